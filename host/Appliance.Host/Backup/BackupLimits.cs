namespace Appliance.Host.Backup;

/// <summary>The bounds every backup file and passphrase is checked against before any work is done on it.</summary>
public static class BackupLimits
{
    /// <summary>The largest backup file read (upload, download, restore): checked before the whole file is read.</summary>
    public const int MaxFileBytes = 16 * 1024 * 1024;

    /// <summary>The largest envelope header (JSON).</summary>
    public const int MaxHeaderBytes = 8 * 1024;

    public const int MinPassphraseLength = 12;

    public const int MaxPassphraseLength = 1024;

    /// <summary>The format this appliance writes and the newest it reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>Null when the passphrase may be used, else why not.</summary>
    public static string? PassphraseProblem(string? passphrase) => passphrase switch
    {
        null or "" => "a passphrase is needed",
        { Length: < MinPassphraseLength } => $"the passphrase must have at least {MinPassphraseLength} characters",
        { Length: > MaxPassphraseLength } => $"the passphrase must have at most {MaxPassphraseLength} characters",
        _ => null,
    };
}
