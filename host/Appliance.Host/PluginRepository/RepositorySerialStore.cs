using Appliance.Host.Storage;

namespace Appliance.Host.PluginRepository;

/// <summary>
/// The highest index serial accepted per repository URL (table <c>plugin_repository_serials</c>, created on first use
/// rather than by a numbered migration), so an older signed index replayed later is refused, also after a restart.
/// </summary>
public sealed class RepositorySerialStore
{
    private readonly Database _db;

    public RepositorySerialStore(Database db)
    {
        _db = db;
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            CREATE TABLE IF NOT EXISTS plugin_repository_serials (
                repository TEXT PRIMARY KEY, serial INTEGER NOT NULL, seen_at TEXT NOT NULL);
            """;
        cmd.ExecuteNonQuery();
    }

    public long? Last(string repository)
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT serial FROM plugin_repository_serials WHERE repository = $r";
        cmd.Parameters.AddWithValue("$r", repository);
        return cmd.ExecuteScalar() is long serial ? serial : null;
    }

    /// <summary>Keeps <paramref name="serial"/> if it is higher than the one stored (never lowers it).</summary>
    public void Record(string repository, long serial, DateTimeOffset at)
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            INSERT INTO plugin_repository_serials (repository, serial, seen_at) VALUES ($r, $s, $t)
            ON CONFLICT (repository) DO UPDATE SET serial = excluded.serial, seen_at = excluded.seen_at
            WHERE excluded.serial > plugin_repository_serials.serial;
            """;
        cmd.Parameters.AddWithValue("$r", repository);
        cmd.Parameters.AddWithValue("$s", serial);
        cmd.Parameters.AddWithValue("$t", at.ToString("O"));
        cmd.ExecuteNonQuery();
    }
}
