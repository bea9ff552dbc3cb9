using System.Text.Json;
using Appliance.Host.Storage;

namespace Appliance.Host.Plugins;

/// <summary>What the user decided about each plugin, kept across restarts: enabled, removed, configuration.</summary>
public sealed class PluginStateStore(Database db, TimeProvider time)
{
    public PluginRecord? Get(string id)
    {
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT id, enabled, removed, version, config FROM plugins WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        using var reader = cmd.ExecuteReader();
        if (!reader.Read()) return null;
        JsonElement? config = null;
        if (!reader.IsDBNull(4))
        {
            using var doc = JsonDocument.Parse(reader.GetString(4));
            config = doc.RootElement.Clone();
        }
        return new PluginRecord(reader.GetString(0), reader.GetInt64(1) != 0, reader.GetInt64(2) != 0,
            reader.IsDBNull(3) ? null : reader.GetString(3), config);
    }

    /// <summary>Every plugin the user decided something about and did not remove, in id order.</summary>
    public IReadOnlyList<PluginRecord> All()
    {
        var ids = new List<string>();
        using (var connection = db.Open())
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT id FROM plugins WHERE removed = 0 ORDER BY id";
            using var reader = cmd.ExecuteReader();
            while (reader.Read()) ids.Add(reader.GetString(0));
        }
        return ids.Select(Get).OfType<PluginRecord>().ToList();
    }

    public void Save(PluginRecord record)
    {
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            INSERT INTO plugins (id, enabled, removed, version, config, updated_at)
            VALUES ($id, $enabled, $removed, $version, $config, $at)
            ON CONFLICT(id) DO UPDATE SET enabled = excluded.enabled, removed = excluded.removed,
                version = excluded.version, config = excluded.config, updated_at = excluded.updated_at
            """;
        cmd.Parameters.AddWithValue("$id", record.Id);
        cmd.Parameters.AddWithValue("$enabled", record.Enabled ? 1 : 0);
        cmd.Parameters.AddWithValue("$removed", record.Removed ? 1 : 0);
        cmd.Parameters.AddWithValue("$version", (object?)record.Version ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$config", record.Config is { } c ? c.GetRawText() : DBNull.Value);
        cmd.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O"));
        cmd.ExecuteNonQuery();
    }
}

public sealed record PluginRecord(string Id, bool Enabled, bool Removed, string? Version, JsonElement? Config);
