namespace Appliance.Abstractions.Services;

/// <summary>
/// Secrets of one plugin (API keys, VMS passwords, bearer-token signing keys), sealed at rest with the host key
/// (AES-256-GCM, the key file readable only by the appliance). A plugin sees only its own; they survive restarts
/// and upgrades and go when the plugin is uninstalled. Names: 1 to 64 of <c>a-z 0-9 . _ -</c>, starting with a
/// letter or digit; values at most <see cref="MaxValueLength"/> characters. A bad name or an oversized value is
/// a bug and throws <see cref="ArgumentException"/>.
/// </summary>
public interface IPluginSecrets
{
    public const int MaxValueLength = 65536;

    /// <summary>The secret's value, or null when it is not set.</summary>
    Task<string?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a secret; durable when the task completes.</summary>
    Task SetAsync(string name, string value, CancellationToken cancellationToken = default);

    /// <summary>Removes a secret; false when it was not set.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The names of the plugin's secrets, sorted.</summary>
    Task<IReadOnlyList<string>> NamesAsync(CancellationToken cancellationToken = default);
}
