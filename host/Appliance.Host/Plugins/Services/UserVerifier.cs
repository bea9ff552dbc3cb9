using System.Security.Cryptography;
using System.Text;
using Appliance.Abstractions;
using Appliance.Abstractions.Services;
using Appliance.Host.Auth;
using Appliance.Host.Security;
using Appliance.Host.Storage;

namespace Appliance.Host.Plugins.Services;

/// <summary>
/// The appliance's users for protocol plugins: password checks through <see cref="LoginService"/> (same throttle and
/// directory as the portal), and Digest HA1 values per realm kept sealed in <c>user_digests</c>, computed whenever a password is seen
/// (a successful check here or a portal login through <see cref="Remember"/>).
/// </summary>
public sealed class UserDigests
{
    private readonly Database _db;
    private readonly SecretBox _box;

    public UserDigests(Database db, SecretBox box, UserStore users)
    {
        _db = db;
        _box = box;
        users.PasswordAccepted += Remember;
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            CREATE TABLE IF NOT EXISTS user_digests (
                user_name TEXT NOT NULL, realm TEXT NOT NULL, algorithm TEXT NOT NULL, ha1 TEXT NOT NULL,
                PRIMARY KEY (user_name, realm, algorithm));
            """;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Realms plugins declared (manifest <c>digestRealms</c>), kept by the plugin manager.</summary>
    public IReadOnlyCollection<string> Realms { get; set; } = [];

    /// <summary>Computes and stores the HA1 of every declared realm for a password just verified.</summary>
    public void Remember(string user, string password)
    {
        foreach (var realm in Realms)
            foreach (var algorithm in Enum.GetValues<DigestAlgorithm>())
            {
                using var connection = _db.Open();
                using var cmd = connection.CreateCommand();
                cmd.CommandText = """
                    INSERT INTO user_digests (user_name, realm, algorithm, ha1) VALUES ($u, $r, $a, $h)
                    ON CONFLICT(user_name, realm, algorithm) DO UPDATE SET ha1 = excluded.ha1
                    """;
                cmd.Parameters.AddWithValue("$u", user);
                cmd.Parameters.AddWithValue("$r", realm);
                cmd.Parameters.AddWithValue("$a", algorithm.ToString());
                cmd.Parameters.AddWithValue("$h", _box.Seal(Ha1(user, realm, password, algorithm)));
                cmd.ExecuteNonQuery();
            }
    }

    public string? Find(string user, string realm, DigestAlgorithm algorithm)
    {
        using var connection = _db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT ha1 FROM user_digests WHERE user_name = $u AND realm = $r AND algorithm = $a";
        cmd.Parameters.AddWithValue("$u", user);
        cmd.Parameters.AddWithValue("$r", realm);
        cmd.Parameters.AddWithValue("$a", algorithm.ToString());
        return cmd.ExecuteScalar() is string s ? _box.Open(s) : null;
    }

    /// <summary>H(user:realm:password) in lower-case hex (RFC 7616 section 3.4.2).</summary>
    public static string Ha1(string user, string realm, string password, DigestAlgorithm algorithm)
    {
        var bytes = Encoding.UTF8.GetBytes($"{user}:{realm}:{password}");
        var hash = algorithm == DigestAlgorithm.Sha256 ? SHA256.HashData(bytes) : MD5.HashData(bytes);
        return Convert.ToHexStringLower(hash);
    }
}

/// <summary>The <see cref="IUserVerifier"/> one plugin sees: its declared realms only.</summary>
internal sealed class UserVerifier(UserStore users, LoginService logins, UserDigests digests, IReadOnlyCollection<string> declaredRealms) : IUserVerifier
{
    public async Task<Result<VerifiedUser>> VerifyPasswordAsync(string user, string password, CancellationToken cancellationToken = default)
    {
        var result = await logins.VerifyAsync(user ?? "", password ?? "", null, cancellationToken);
        return result.Outcome switch
        {
            LoginOutcome.Success when PluginRequestDispatcher.ParseRole(result.Role) is { } role => Result<VerifiedUser>.Ok(new VerifiedUser(result.User!, role)),
            LoginOutcome.LockedOut => Result<VerifiedUser>.Fail("locked-out", $"too many failed logins; try again after {result.LockedUntil:O}"),
            _ => Result<VerifiedUser>.Fail("invalid", "unknown user or wrong password"),
        };
    }

    public Task<Result<DigestCredential>> GetDigestHa1Async(string user, string realm, DigestAlgorithm algorithm, CancellationToken cancellationToken = default)
    {
        if (!declaredRealms.Contains(realm))
            return Task.FromResult(Result<DigestCredential>.Fail("realm-not-declared", $"realm '{realm}' is not in the manifest's digestRealms"));
        var role = PluginRequestDispatcher.ParseRole(users.Role(user ?? ""));
        if (role is null) return Task.FromResult(Result<DigestCredential>.Fail("invalid", "unknown user or wrong password"));
        // Realms configured for the host (auth.digestRealms) are derived when the password is set; realms only a
        // plugin declared are derived the next time the password is seen.
        var ha1 = users.DigestHa1(user!, realm, algorithm == DigestAlgorithm.Sha256 ? "SHA-256" : "MD5") ?? digests.Find(user!, realm, algorithm);
        return Task.FromResult(ha1 is null
            ? Result<DigestCredential>.Fail("no-digest", $"the password of '{user}' has not been seen since realm '{realm}' was declared; log in once")
            : Result<DigestCredential>.Ok(new DigestCredential(user!, realm, algorithm, ha1, role.Value)));
    }
}
