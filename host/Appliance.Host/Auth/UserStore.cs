using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Appliance.Host.Configuration;
using Appliance.Host.Security;
using Appliance.Host.Storage;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Auth;

/// <summary>A user as listed (never with a password or hash).</summary>
public sealed record UserView(string Name, string Role, string Source, DateTimeOffset CreatedAt);

/// <summary>
/// Portal and API users with their role. Passwords are stored as PBKDF2 hashes; when one is set, a Digest HA1
/// per configured realm (MD5 and SHA-256) is computed and stored sealed, so protocol plugins can verify Digest
/// without the password. Directory (LDAP) users get a row without a local password on their first login.
/// Throttling is not here: <see cref="LoginService"/> asks <see cref="LoginThrottle"/> before calling <see cref="CheckPassword"/>.
/// </summary>
public sealed class UserStore(Database db, SecretBox secrets, IOptions<ApplianceOptions> options, TimeProvider time)
{
    /// <summary>A hash nobody's password matches, checked for unknown users so that both answers take the same work.</summary>
    private readonly string _decoyHash = PasswordHasher.Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));

    public const string LocalSource = "local";
    public const string DirectorySource = "ldap";

    public bool HasUsers()
    {
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT EXISTS(SELECT 1 FROM users)";
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) != 0;
    }

    /// <summary>Creates the first admin; refused once any user exists (one statement: no race between two setups).</summary>
    public string? CreateFirstAdmin(string userName, string password)
    {
        if (Invalid(userName, password) is { } error) return error;
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            INSERT INTO users (name, password_hash, role, created_at, digest_secret, source, password_changed_at)
            SELECT $name, $hash, 'admin', $at, $digest, 'local', $at WHERE NOT EXISTS (SELECT 1 FROM users)
            """;
        Bind(cmd, userName, password);
        return cmd.ExecuteNonQuery() == 1 ? null : "setup: the appliance already has an administrator";
    }

    /// <summary>Adds a local user; null or why not.</summary>
    public string? Create(string userName, string password, string role)
    {
        if (!Roles.IsValid(role)) return $"role: one of {string.Join(", ", Roles.All)}";
        if (Invalid(userName, password) is { } error) return error;
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            INSERT INTO users (name, password_hash, role, created_at, digest_secret, source, password_changed_at)
            VALUES ($name, $hash, $role, $at, $digest, 'local', $at) ON CONFLICT(name) DO NOTHING
            """;
        Bind(cmd, userName, password);
        cmd.Parameters.AddWithValue("$role", role);
        return cmd.ExecuteNonQuery() == 1 ? null : $"username: '{userName}' already exists";
    }

    /// <summary>
    /// The role if <paramref name="password"/> is the user's local password, else null. Unknown users, directory
    /// users and wrong passwords cost the same single PBKDF2 evaluation, so timing tells no user name.
    /// </summary>
    public string? CheckPassword(string userName, string password)
    {
        var role = CheckPasswordOnly(userName, password);
        if (role is not null) PasswordAccepted?.Invoke(userName, password);
        return role;
    }

    /// <summary>True when <paramref name="password"/> is the local user's password; no side effects (the security report's default-password check).</summary>
    public bool HasPassword(string userName, string password) => CheckPasswordOnly(userName, password) is not null;

    /// <summary>Raised after a local password was accepted (the plugins' Digest store derives the HA1 of their realms from it). Must not throw.</summary>
    public event Action<string, string>? PasswordAccepted;

    private string? CheckPasswordOnly(string userName, string password)
    {
        string? hash = null, role = null;
        if (password.Length <= 1024 && UserNameShapeIsValid(userName))
        {
            using var connection = db.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT password_hash, role FROM users WHERE name = $name AND source = 'local'";
            cmd.Parameters.AddWithValue("$name", userName);
            using var reader = cmd.ExecuteReader();
            if (reader.Read())
            {
                hash = reader.GetString(0);
                role = reader.GetString(1);
            }
        }
        var matches = PasswordHasher.Verify(password.Length <= 1024 ? password : "", hash ?? _decoyHash);
        return matches && hash is not null ? role : null;
    }

    /// <summary>Sets a new password (and its Digest HA1s); null or why not. Callers end the user's sessions and tokens.</summary>
    public string? SetPassword(string userName, string password)
    {
        if (Invalid(userName, password) is { } error) return error;
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "UPDATE users SET password_hash = $hash, digest_secret = $digest, password_changed_at = $at WHERE name = $name AND source = 'local'";
        Bind(cmd, userName, password);
        return cmd.ExecuteNonQuery() == 1 ? null : $"user '{userName}' does not exist or has no local password";
    }

    public string? SetRole(string userName, string role)
    {
        if (!Roles.IsValid(role)) return $"role: one of {string.Join(", ", Roles.All)}";
        using var connection = db.Open();
        using var tx = connection.BeginTransaction();
        if (role != Roles.Admin && Role(userName) == Roles.Admin && AdminCount(connection, tx) <= 1)
            return "role: the last administrator cannot lose the admin role";
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "UPDATE users SET role = $role WHERE name = $name";
        cmd.Parameters.AddWithValue("$role", role);
        cmd.Parameters.AddWithValue("$name", userName);
        var changed = cmd.ExecuteNonQuery() == 1;
        tx.Commit();
        return changed ? null : $"user '{userName}' does not exist";
    }

    /// <summary>Deletes a user (their tokens and sessions go with them); the last administrator stays.</summary>
    public string? Delete(string userName)
    {
        using var connection = db.Open();
        using var tx = connection.BeginTransaction();
        if (Role(userName) == Roles.Admin && AdminCount(connection, tx) <= 1) return "the last administrator cannot be deleted";
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "DELETE FROM sessions WHERE user_name = $name; DELETE FROM users WHERE name = $name";
        cmd.Parameters.AddWithValue("$name", userName);
        var deleted = cmd.ExecuteNonQuery() >= 1;
        tx.Commit();
        return deleted ? null : $"user '{userName}' does not exist";
    }

    /// <summary>A directory user's row (role from its groups at each login); never gets a usable local password.</summary>
    public void UpsertDirectoryUser(string userName, string role)
    {
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            INSERT INTO users (name, password_hash, role, created_at, source) VALUES ($name, '!', $role, $at, 'ldap')
            ON CONFLICT(name) DO UPDATE SET role = excluded.role WHERE users.source = 'ldap'
            """;
        cmd.Parameters.AddWithValue("$name", userName);
        cmd.Parameters.AddWithValue("$role", role);
        cmd.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O"));
        cmd.ExecuteNonQuery();
    }

    public bool IsLocal(string userName) => Source(userName) == LocalSource;

    public string? Source(string userName) => Scalar("SELECT source FROM users WHERE name = $name", userName);

    public string? Role(string userName) => Scalar("SELECT role FROM users WHERE name = $name", userName);

    public IReadOnlyList<UserView> List()
    {
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT name, role, source, created_at FROM users ORDER BY name";
        using var reader = cmd.ExecuteReader();
        var users = new List<UserView>();
        while (reader.Read())
            users.Add(new UserView(reader.GetString(0), reader.GetString(1), reader.GetString(2), DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture)));
        return users;
    }

    /// <summary>
    /// The Digest HA1 (hex) of a local user for <paramref name="realm"/>: <c>H(user:realm:password)</c> with
    /// <paramref name="algorithm"/> <c>MD5</c> or <c>SHA-256</c>; null for unknown users, realms or algorithms.
    /// </summary>
    public string? DigestHa1(string userName, string realm, string algorithm)
    {
        var sealedText = Scalar("SELECT digest_secret FROM users WHERE name = $name AND source = 'local'", userName);
        if (sealedText is null) return null;
        var table = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(secrets.Open(sealedText));
        return table is not null && table.TryGetValue(realm, out var byAlgorithm) && byAlgorithm.TryGetValue(algorithm.ToUpperInvariant(), out var ha1) ? ha1 : null;
    }

    public static bool IsValidUserName(string name) =>
        name.Length is >= 1 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    private static bool UserNameShapeIsValid(string name) => name.Length <= 256;

    private static string? Invalid(string userName, string password)
    {
        if (!IsValidUserName(userName)) return "username: 1 to 64 letters, digits, '.', '-' or '_'";
        return PasswordHasher.Weakness(userName, password);
    }

    private void Bind(Microsoft.Data.Sqlite.SqliteCommand cmd, string userName, string password)
    {
        cmd.Parameters.AddWithValue("$name", userName);
        cmd.Parameters.AddWithValue("$hash", PasswordHasher.Hash(password));
        cmd.Parameters.AddWithValue("$digest", secrets.Seal(JsonSerializer.Serialize(DigestTable(userName, password))));
        cmd.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O"));
    }

    private Dictionary<string, Dictionary<string, string>> DigestTable(string userName, string password) =>
        options.Value.Auth.EffectiveDigestRealms.Distinct(StringComparer.Ordinal).ToDictionary(realm => realm, realm =>
        {
            var input = Encoding.UTF8.GetBytes($"{userName}:{realm}:{password}");
            return new Dictionary<string, string>
            {
                ["MD5"] = Convert.ToHexStringLower(MD5.HashData(input)),
                ["SHA-256"] = Convert.ToHexStringLower(SHA256.HashData(input)),
            };
        });

    private static long AdminCount(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction tx)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT COUNT(*) FROM users WHERE role = 'admin'";
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private string? Scalar(string sql, string userName)
    {
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$name", userName);
        return cmd.ExecuteScalar() as string;
    }
}
