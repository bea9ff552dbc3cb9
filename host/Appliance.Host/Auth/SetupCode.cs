using System.Security.Cryptography;

namespace Appliance.Host.Auth;

/// <summary>
/// The one-time code that proves a first-start setup comes from someone who can see the appliance's console
/// (or journal, or the image's first-boot screen). It is printed to the log and written to
/// <c>&lt;data&gt;/setup-code</c> (mode 0600, for the first-boot screen), never served over the network, and
/// replaced after every wrong attempt, so guessing it is hopeless (60 bits per try). Gone once a user exists.
/// </summary>
public sealed class SetupCode(string filePath, ILogger<SetupCode> log)
{
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private readonly object _gate = new();
    private string? _current;

    /// <summary>Creates (and prints) a code if none is current. Called at start while setup is required.</summary>
    public void EnsureIssued()
    {
        lock (_gate)
        {
            if (_current is null) Issue();
        }
    }

    /// <summary>Checks a code in constant time; a wrong one is replaced at once (and the new one printed).</summary>
    public bool TryConsume(string? attempt)
    {
        lock (_gate)
        {
            if (_current is null) Issue();
            var normalized = Normalize(attempt);
            var ok = normalized.Length == _current!.Length && CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(normalized), System.Text.Encoding.ASCII.GetBytes(_current));
            if (!ok)
            {
                log.LogWarning("Setup: a wrong setup code was entered; a new code replaces it");
                Issue();
            }
            return ok;
        }
    }

    /// <summary>Setup is done: the code is forgotten and its file removed.</summary>
    public void Retire()
    {
        lock (_gate)
        {
            _current = null;
            File.Delete(filePath);
        }
    }

    private void Issue()
    {
        var chars = new char[12];
        for (var i = 0; i < chars.Length; i++) chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        _current = new string(chars);
        var display = $"{_current[..4]}-{_current[4..8]}-{_current[8..]}";
        Directory.CreateDirectory(Path.GetDirectoryName(filePath)!);
        File.Delete(filePath);
        using (var stream = new FileStream(filePath, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        using (var writer = new StreamWriter(stream))
            writer.WriteLine(display);
        log.LogWarning("Setup code: {SetupCode} (enter it on the portal's setup page to create the administrator; it changes after each wrong attempt)", display);
    }

    private static string Normalize(string? attempt) =>
        new((attempt ?? "").Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant).Take(64).ToArray());
}
