using System.Security.Cryptography;
using System.Text;

namespace Appliance.Host.Auth;

/// <summary>PBKDF2-HMAC-SHA512 with a random salt, 210,000 iterations (OWASP 2023). Format: <c>pbkdf2-sha512$iterations$salt$hash</c>.</summary>
public static class PasswordHasher
{
    private const int Iterations = 210_000;
    private const int SaltBytes = 16;
    private const int HashBytes = 64;

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA512, HashBytes);
        return $"pbkdf2-sha512${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != "pbkdf2-sha512" || !int.TryParse(parts[1], out var iterations) || iterations < 1)
            return false;
        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Why a new password is refused, or null. No default passwords exist: the first admin chooses one.</summary>
    public static string? Weakness(string userName, string password)
    {
        if (password.Length < 12) return "password: at least 12 characters";
        if (password.Length > 256) return "password: at most 256 characters";
        if (password.Contains(userName, StringComparison.OrdinalIgnoreCase)) return "password: must not contain the user name";
        if (password.Distinct().Count() < 5) return "password: too few different characters";
        string[] common = ["password", "123456", "qwerty", "admin", "letmein", "welcome", "appliance"];
        if (common.Any(c => password.Contains(c, StringComparison.OrdinalIgnoreCase))) return "password: contains a commonly guessed word";
        return null;
    }
}
