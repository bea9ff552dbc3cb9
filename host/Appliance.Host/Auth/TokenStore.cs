using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Appliance.Host.Storage;

namespace Appliance.Host.Auth;

/// <summary>An API token as listed: never the token itself (only its SHA-256 is stored).</summary>
public sealed record TokenView(string Id, string User, string Label, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>Who a valid token belongs to, and when it was issued (a fresh token counts as a recent login).</summary>
public sealed record TokenOwner(string Id, string User, string Role, DateTimeOffset CreatedAt);

/// <summary>
/// Bearer tokens (appliancectl, integrations): each has a label, an expiry, the time it was last used, and can
/// be listed and revoked. Only a SHA-256 of each token is stored; a revoked or expired token is refused at once.
/// </summary>
public sealed class TokenStore(Database db, TimeProvider time)
{
    public const string Prefix = "apl_";

    /// <summary>Creates a token valid for <paramref name="lifetime"/>; returns its id and the token (shown once).</summary>
    public (string Id, string Token) Create(string userName, string label, TimeSpan lifetime)
    {
        var token = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var id = Guid.NewGuid().ToString("N");
        var now = time.GetUtcNow();
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "INSERT INTO api_tokens (id, user_name, token_hash, label, created_at, expires_at) VALUES ($id, $user, $hash, $label, $at, $expires)";
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$user", userName);
        cmd.Parameters.AddWithValue("$hash", HashOf(token));
        cmd.Parameters.AddWithValue("$label", CleanLabel(label));
        cmd.Parameters.AddWithValue("$at", now.ToString("O"));
        cmd.Parameters.AddWithValue("$expires", (now + lifetime).ToString("O"));
        cmd.ExecuteNonQuery();
        return (id, token);
    }

    /// <summary>The owner of a token that exists, is not revoked and has not expired (recording its use), or null.</summary>
    public TokenOwner? Validate(string token)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 200) return null;
        var now = time.GetUtcNow().ToString("O");
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            UPDATE api_tokens SET last_used_at = $at
            WHERE token_hash = $hash AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $at)
            RETURNING id, user_name, (SELECT role FROM users WHERE users.name = api_tokens.user_name), created_at
            """;
        cmd.Parameters.AddWithValue("$hash", HashOf(token));
        cmd.Parameters.AddWithValue("$at", now);
        using var reader = cmd.ExecuteReader();
        return reader.Read() && !reader.IsDBNull(2)
            ? new TokenOwner(reader.GetString(0), reader.GetString(1), reader.GetString(2), DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture))
            : null;
    }

    /// <summary>Tokens of one user, or of everyone when <paramref name="userName"/> is null; newest first.</summary>
    public IReadOnlyList<TokenView> List(string? userName)
    {
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT id, user_name, label, created_at, expires_at, last_used_at, revoked_at FROM api_tokens WHERE $user IS NULL OR user_name = $user ORDER BY created_at DESC";
        cmd.Parameters.AddWithValue("$user", (object?)userName ?? DBNull.Value);
        using var reader = cmd.ExecuteReader();
        var list = new List<TokenView>();
        while (reader.Read())
            list.Add(new TokenView(reader.GetString(0), reader.GetString(1), reader.GetString(2), Time(reader, 3)!.Value, Time(reader, 4), Time(reader, 5), Time(reader, 6)));
        return list;
    }

    /// <summary>Revokes a token by id; with <paramref name="owner"/>, only if it is theirs. False: no such (live) token.</summary>
    public bool Revoke(string id, string? owner)
    {
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "UPDATE api_tokens SET revoked_at = $at WHERE id = $id AND revoked_at IS NULL AND ($owner IS NULL OR user_name = $owner)";
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$owner", (object?)owner ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O"));
        return cmd.ExecuteNonQuery() == 1;
    }

    /// <summary>Revokes every token of a user (password change, role change, deletion); returns how many.</summary>
    public int RevokeAll(string userName)
    {
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "UPDATE api_tokens SET revoked_at = $at WHERE user_name = $user AND revoked_at IS NULL";
        cmd.Parameters.AddWithValue("$user", userName);
        cmd.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O"));
        return cmd.ExecuteNonQuery();
    }

    private static DateTimeOffset? Time(Microsoft.Data.Sqlite.SqliteDataReader reader, int i) =>
        reader.IsDBNull(i) ? null : DateTimeOffset.Parse(reader.GetString(i), CultureInfo.InvariantCulture);

    private static string CleanLabel(string label)
    {
        var clean = new string(label.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (clean.Length == 0) clean = "token";
        return clean.Length > 100 ? clean[..100] : clean;
    }

    private static string HashOf(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
