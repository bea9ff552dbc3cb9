using System.Security.Cryptography;
using System.Text;
using Appliance.Host.Storage;

namespace Appliance.Host.Auth;

/// <summary>Bearer tokens for tools (appliancectl). Only a SHA-256 of each token is stored.</summary>
public sealed class TokenStore(Database db, TimeProvider time)
{
    public const string Prefix = "apl_";

    public string Create(string userName, string label)
    {
        var token = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "INSERT INTO api_tokens (id, user_name, token_hash, label, created_at) VALUES ($id, $user, $hash, $label, $at)";
        cmd.Parameters.AddWithValue("$id", Guid.NewGuid().ToString("N"));
        cmd.Parameters.AddWithValue("$user", userName);
        cmd.Parameters.AddWithValue("$hash", HashOf(token));
        cmd.Parameters.AddWithValue("$label", label.Length > 100 ? label[..100] : label);
        cmd.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O"));
        cmd.ExecuteNonQuery();
        return token;
    }

    /// <summary>The user and role a token belongs to, or null.</summary>
    public (string User, string Role)? Validate(string token)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 200) return null;
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            UPDATE api_tokens SET last_used_at = $at WHERE token_hash = $hash
            RETURNING user_name, (SELECT role FROM users WHERE users.name = api_tokens.user_name)
            """;
        cmd.Parameters.AddWithValue("$hash", HashOf(token));
        cmd.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O"));
        using var reader = cmd.ExecuteReader();
        return reader.Read() && !reader.IsDBNull(1) ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    private static string HashOf(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
