using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Host.Cameras;
using Appliance.Host.Security;
using Appliance.Host.Storage;

namespace Appliance.Host.Backup;

/// <summary>
/// Writes a checked <see cref="RestorePlan"/> into the database in one SQLite transaction: the rules and cameras
/// tables are replaced, the plugins named in the backup get its enabled state and configuration (their installed
/// version is kept). Camera passwords are sealed with this device's <see cref="SecretBox"/>. Any failure rolls
/// everything back.
/// </summary>
public sealed class BackupWriter(Database db, SecretBox secrets, TimeProvider time)
{
    public void Write(RestorePlan plan)
    {
        var now = time.GetUtcNow().ToString("O");
        using var connection = db.Open();
        using var tx = connection.BeginTransaction();
        Run(connection, tx, "DELETE FROM rules");
        foreach (var rule in plan.Rules)
        {
            using var doc = JsonDocument.Parse(rule);
            Run(connection, tx, "INSERT INTO rules (id, json, updated_at) VALUES ($id, $json, $at)",
                ("$id", doc.RootElement.GetProperty("id").GetString()), ("$json", rule), ("$at", now));
        }
        Run(connection, tx, "DELETE FROM cameras");
        foreach (var c in plan.Document.Cameras)
        {
            var input = CameraCredentials.MoveOutOfUris(new CameraInput(c.Name, c.StreamUri, c.OnvifUri, c.Username, c.Password, c.Enabled, c.Overrides, c.Source));
            Run(connection, tx, """
                INSERT INTO cameras (id, name, enabled, stream_uri, onvif_uri, username, password_secret, overrides, source, created_at, updated_at)
                VALUES ($id, $name, $enabled, $stream, $onvif, $user, $secret, $overrides, $source, $now, $now)
                """,
                ("$id", c.Id), ("$name", (input.Name ?? c.Id).Trim()), ("$enabled", input.Enabled ?? true ? 1 : 0),
                ("$stream", input.StreamUri), ("$onvif", input.OnvifUri), ("$user", input.Username),
                ("$secret", input.Password is null ? null : secrets.Seal(input.Password)),
                ("$overrides", JsonSerializer.Serialize(input.Overrides ?? new CameraOverrides())),
                ("$source", input.Source ?? "manual"), ("$now", now));
        }
        foreach (var p in plan.Document.Plugins)
        {
            Run(connection, tx, """
                INSERT INTO plugins (id, enabled, removed, version, config, updated_at) VALUES ($id, $enabled, 0, NULL, $config, $at)
                ON CONFLICT(id) DO UPDATE SET enabled = excluded.enabled, removed = 0, config = excluded.config, updated_at = excluded.updated_at
                """,
                ("$id", p.Id), ("$enabled", p.Enabled ? 1 : 0), ("$config", p.Config?.GetRawText()), ("$at", now));
        }
        tx.Commit();
    }

    private static void Run(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }
}
