using System.Text.RegularExpressions;
using Appliance.Abstractions.Services;
using Appliance.Host.Security;
using Appliance.Host.Storage;

namespace Appliance.Host.Plugins.Services;

/// <summary>
/// Plugin secrets in SQLite (<c>plugin_secrets</c>), each value sealed with the host key (<see cref="SecretBox"/>).
/// The table is created on first use (not a numbered migration, so parallel branches adding migrations do not clash).
/// </summary>
public sealed partial class PluginSecretStore
{
    private readonly Database _db;
    private readonly SecretBox _box;

    public PluginSecretStore(Database db, SecretBox box)
    {
        _db = db;
        _box = box;
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            CREATE TABLE IF NOT EXISTS plugin_secrets (
                plugin_id TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (plugin_id, name));
            """;
        cmd.ExecuteNonQuery();
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    /// <summary>The secrets of one plugin.</summary>
    public IPluginSecrets For(string pluginId) => new View(this, pluginId);

    /// <summary>Removes every secret of an uninstalled plugin.</summary>
    public void RemoveAll(string pluginId) => Execute("DELETE FROM plugin_secrets WHERE plugin_id = $p", ("$p", pluginId));

    private static void CheckName(string name)
    {
        if (name is null || !NamePattern().IsMatch(name))
            throw new ArgumentException($"secret name '{name}' is not 1 to 64 of a-z 0-9 . _ - starting with a letter or digit", nameof(name));
    }

    private int Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (n, v) in parameters) cmd.Parameters.AddWithValue(n, v);
        return cmd.ExecuteNonQuery();
    }

    private sealed class View(PluginSecretStore store, string pluginId) : IPluginSecrets
    {
        public Task<string?> GetAsync(string name, CancellationToken cancellationToken = default)
        {
            CheckName(name);
            using var connection = store._db.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT value FROM plugin_secrets WHERE plugin_id = $p AND name = $n";
            cmd.Parameters.AddWithValue("$p", pluginId);
            cmd.Parameters.AddWithValue("$n", name);
            return Task.FromResult(cmd.ExecuteScalar() is string sealedValue ? store._box.Open(sealedValue) : null);
        }

        public Task SetAsync(string name, string value, CancellationToken cancellationToken = default)
        {
            CheckName(name);
            ArgumentNullException.ThrowIfNull(value);
            if (value.Length > IPluginSecrets.MaxValueLength)
                throw new ArgumentException($"secret value longer than {IPluginSecrets.MaxValueLength} characters", nameof(value));
            store.Execute(
                "INSERT INTO plugin_secrets (plugin_id, name, value) VALUES ($p, $n, $v) ON CONFLICT(plugin_id, name) DO UPDATE SET value = excluded.value",
                ("$p", pluginId), ("$n", name), ("$v", store._box.Seal(value)));
            return Task.CompletedTask;
        }

        public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
        {
            CheckName(name);
            return Task.FromResult(store.Execute("DELETE FROM plugin_secrets WHERE plugin_id = $p AND name = $n", ("$p", pluginId), ("$n", name)) > 0);
        }

        public Task<IReadOnlyList<string>> NamesAsync(CancellationToken cancellationToken = default)
        {
            using var connection = store._db.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT name FROM plugin_secrets WHERE plugin_id = $p ORDER BY name";
            cmd.Parameters.AddWithValue("$p", pluginId);
            using var reader = cmd.ExecuteReader();
            var names = new List<string>();
            while (reader.Read()) names.Add(reader.GetString(0));
            return Task.FromResult<IReadOnlyList<string>>(names);
        }
    }
}
