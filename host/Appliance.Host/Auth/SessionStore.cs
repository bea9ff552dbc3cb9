using System.Globalization;
using System.Security.Cryptography;
using Appliance.Host.Configuration;
using Appliance.Host.Storage;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Auth;

/// <summary>A portal session as listed.</summary>
public sealed record SessionView(string Id, string User, string Source, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, DateTimeOffset ExpiresAt);

/// <summary>
/// Server-side portal sessions. The cookie only names a session (claim <see cref="ClaimType"/>); every request
/// checks it here, so logout, a password change, a role change or a revocation ends it at once, even for a
/// copy of the cookie saved earlier. Sessions end after <see cref="AuthOptions.SessionIdleMinutes"/> idle and
/// at the latest after <see cref="AuthOptions.SessionMaxHours"/>.
/// </summary>
public sealed class SessionStore(Database db, IOptions<ApplianceOptions> options, TimeProvider time)
{
    public const string ClaimType = "appliance:sid";

    public string Create(string userName, string source)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var now = time.GetUtcNow();
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "INSERT INTO sessions (id, user_name, source, created_at, last_seen_at, expires_at) VALUES ($id, $user, $source, $at, $at, $expires)";
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$user", userName);
        cmd.Parameters.AddWithValue("$source", source);
        cmd.Parameters.AddWithValue("$at", now.ToString("O"));
        cmd.Parameters.AddWithValue("$expires", (now + TimeSpan.FromHours(options.Value.Auth.SessionMaxHours)).ToString("O"));
        cmd.ExecuteNonQuery();
        return id;
    }

    /// <summary>The session's user and role if it is live (recording the activity), else null.</summary>
    public (string User, string Role)? Touch(string id)
    {
        var now = time.GetUtcNow();
        var idleCutoff = now - TimeSpan.FromMinutes(options.Value.Auth.SessionIdleMinutes);
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            UPDATE sessions SET last_seen_at = $now
            WHERE id = $id AND ended_at IS NULL AND expires_at > $now AND last_seen_at > $idle
            RETURNING user_name, (SELECT role FROM users WHERE users.name = sessions.user_name)
            """;
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$now", now.ToString("O"));
        cmd.Parameters.AddWithValue("$idle", idleCutoff.ToString("O"));
        using var reader = cmd.ExecuteReader();
        return reader.Read() && !reader.IsDBNull(1) ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <summary>Ends one session (with <paramref name="owner"/>: only if it is theirs).</summary>
    public bool End(string id, string reason, string? owner = null)
    {
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "UPDATE sessions SET ended_at = $at, end_reason = $reason WHERE id = $id AND ended_at IS NULL AND ($owner IS NULL OR user_name = $owner)";
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$reason", reason);
        cmd.Parameters.AddWithValue("$owner", (object?)owner ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O"));
        return cmd.ExecuteNonQuery() == 1;
    }

    /// <summary>Ends every session of a user except <paramref name="keep"/>; returns how many.</summary>
    public int EndAll(string userName, string reason, string? keep = null)
    {
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "UPDATE sessions SET ended_at = $at, end_reason = $reason WHERE user_name = $user AND ended_at IS NULL AND ($keep IS NULL OR id <> $keep)";
        cmd.Parameters.AddWithValue("$user", userName);
        cmd.Parameters.AddWithValue("$reason", reason);
        cmd.Parameters.AddWithValue("$keep", (object?)keep ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O"));
        return cmd.ExecuteNonQuery();
    }

    /// <summary>Live sessions of one user, or of everyone when <paramref name="userName"/> is null.</summary>
    public IReadOnlyList<SessionView> List(string? userName)
    {
        var now = time.GetUtcNow().ToString("O");
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT id, user_name, source, created_at, last_seen_at, expires_at FROM sessions WHERE ended_at IS NULL AND expires_at > $now AND ($user IS NULL OR user_name = $user) ORDER BY created_at DESC";
        cmd.Parameters.AddWithValue("$user", (object?)userName ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$now", now);
        using var reader = cmd.ExecuteReader();
        var list = new List<SessionView>();
        while (reader.Read())
            list.Add(new SessionView(reader.GetString(0), reader.GetString(1), reader.GetString(2), T(reader, 3), T(reader, 4), T(reader, 5)));
        return list;
    }

    private static DateTimeOffset T(Microsoft.Data.Sqlite.SqliteDataReader r, int i) => DateTimeOffset.Parse(r.GetString(i), CultureInfo.InvariantCulture);
}
