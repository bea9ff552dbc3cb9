using System.Globalization;
using Appliance.Host.Storage;

namespace Appliance.Host.Auth;

public enum LoginOutcome { Success, Invalid, LockedOut }

public sealed record LoginResult(LoginOutcome Outcome, string? User, string? Role, DateTimeOffset? LockedUntil);

/// <summary>
/// Portal users. The first admin is created at first start by whoever opens the portal (no default
/// password). Repeated failures lock the account: 5 failures lock it for 5 minutes, doubling each time after.
/// </summary>
public sealed class UserStore(Database db, TimeProvider time)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan BaseLockout = TimeSpan.FromMinutes(5);

    public bool HasUsers()
    {
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT EXISTS(SELECT 1 FROM users)";
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) != 0;
    }

    /// <summary>Creates the first admin; refused once any user exists.</summary>
    public string? CreateFirstAdmin(string userName, string password)
    {
        if (!IsValidUserName(userName)) return "username: 1 to 64 letters, digits, '.', '-' or '_'";
        if (PasswordHasher.Weakness(userName, password) is { } weak) return weak;
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            INSERT INTO users (name, password_hash, role, created_at)
            SELECT $name, $hash, 'admin', $at WHERE NOT EXISTS (SELECT 1 FROM users)
            """;
        cmd.Parameters.AddWithValue("$name", userName);
        cmd.Parameters.AddWithValue("$hash", PasswordHasher.Hash(password));
        cmd.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O"));
        return cmd.ExecuteNonQuery() == 1 ? null : "setup: the appliance already has an administrator";
    }

    public LoginResult Verify(string userName, string password)
    {
        using var connection = db.Open();
        string? hash = null, role = null, lockedText = null;
        long failures = 0;
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT password_hash, role, failed_logins, locked_until FROM users WHERE name = $name";
            cmd.Parameters.AddWithValue("$name", userName);
            using var reader = cmd.ExecuteReader();
            if (reader.Read())
            {
                hash = reader.GetString(0);
                role = reader.GetString(1);
                failures = reader.GetInt64(2);
                lockedText = reader.IsDBNull(3) ? null : reader.GetString(3);
            }
        }
        var now = time.GetUtcNow();
        if (hash is null)
        {
            // Same work as a real check, so timing does not tell which user names exist.
            PasswordHasher.Verify(password, PasswordHasher.Hash("not-a-user-" + userName));
            return new LoginResult(LoginOutcome.Invalid, null, null, null);
        }
        if (lockedText is not null && DateTimeOffset.Parse(lockedText, CultureInfo.InvariantCulture) is var until && until > now)
            return new LoginResult(LoginOutcome.LockedOut, null, null, until);
        if (PasswordHasher.Verify(password, hash))
        {
            Update(connection, userName, 0, null);
            return new LoginResult(LoginOutcome.Success, userName, role, null);
        }
        failures++;
        DateTimeOffset? lockUntil = null;
        if (failures >= MaxFailures)
        {
            var rounds = (int)Math.Min(6, (failures - MaxFailures) / MaxFailures);
            lockUntil = now + BaseLockout * Math.Pow(2, rounds);
        }
        Update(connection, userName, failures, lockUntil);
        return lockUntil is null
            ? new LoginResult(LoginOutcome.Invalid, null, null, null)
            : new LoginResult(LoginOutcome.LockedOut, null, null, lockUntil);
    }

    public string? Role(string userName)
    {
        using var connection = db.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT role FROM users WHERE name = $name";
        cmd.Parameters.AddWithValue("$name", userName);
        return cmd.ExecuteScalar() as string;
    }

    private static void Update(Microsoft.Data.Sqlite.SqliteConnection connection, string userName, long failures, DateTimeOffset? lockedUntil)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "UPDATE users SET failed_logins = $f, locked_until = $l WHERE name = $name";
        cmd.Parameters.AddWithValue("$f", failures);
        cmd.Parameters.AddWithValue("$l", lockedUntil is { } l ? l.ToString("O") : DBNull.Value);
        cmd.Parameters.AddWithValue("$name", userName);
        cmd.ExecuteNonQuery();
    }

    public static bool IsValidUserName(string name) =>
        name.Length is >= 1 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');
}
