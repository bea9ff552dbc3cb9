using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Services;

namespace Appliance.Plugins.Onvif.Plugin.Facade.Auth;

/// <summary>
/// The "ONVIF passwords" an admin set for users whose ONVIF clients can only send a WS-Security <c>PasswordDigest</c>
/// (node-onvif, many VMS). A digest needs the clear password, so opting a user in keeps a reversible secret for them:
/// one plugin secret (<c>facade.ws-security-passwords</c>, a JSON object user -> password, sealed with the host key).
/// Users without an entry keep the hash-only path (PasswordText, HTTP Digest). Bounded: <see cref="MaxUsers"/> users,
/// passwords of 1 to <see cref="MaxPasswordLength"/> characters. Read once, then served from memory; a write replaces the
/// whole map (never mutated once published, so readers need no lock) and writes are serialised.
/// </summary>
public sealed class WsSecurityPasswords(IPluginSecrets secrets)
{
    public const string SecretName = "facade.ws-security-passwords";
    public const int MaxUsers = 64;
    public const int MaxPasswordLength = 256;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Dictionary<string, string>? _passwords;

    /// <summary>The ONVIF password of <paramref name="user"/>, or null when the user has not been opted in.</summary>
    public async Task<string?> FindAsync(string user, CancellationToken cancellationToken)
    {
        var passwords = await LoadAsync(cancellationToken).ConfigureAwait(false);
        return passwords.TryGetValue(user, out var password) ? password : null;
    }

    /// <summary>The opted-in users, sorted; never their passwords.</summary>
    public async Task<IReadOnlyList<string>> UsersAsync(CancellationToken cancellationToken)
    {
        var passwords = await LoadAsync(cancellationToken).ConfigureAwait(false);
        return passwords.Keys.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Sets or replaces a user's ONVIF password. Failures: <c>bad-password</c>, <c>full</c>.</summary>
    public async Task<Result<bool>> SetAsync(string user, string password, CancellationToken cancellationToken)
    {
        if (password.Length is 0 or > MaxPasswordLength)
            return new Failure("bad-password", $"the ONVIF password must have 1 to {MaxPasswordLength} characters");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var passwords = await LoadAsync(cancellationToken).ConfigureAwait(false);
            if (!passwords.ContainsKey(user) && passwords.Count >= MaxUsers)
                return new Failure("full", $"at most {MaxUsers} users can have an ONVIF password");
            var next = new Dictionary<string, string>(passwords, StringComparer.Ordinal) { [user] = password };
            await SaveAsync(next, cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally { _gate.Release(); }
    }

    /// <summary>Removes a user's ONVIF password; false when they had none.</summary>
    public async Task<bool> RemoveAsync(string user, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var passwords = await LoadAsync(cancellationToken).ConfigureAwait(false);
            if (!passwords.ContainsKey(user)) return false;
            var next = new Dictionary<string, string>(passwords, StringComparer.Ordinal);
            next.Remove(user);
            await SaveAsync(next, cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally { _gate.Release(); }
    }

    private async Task SaveAsync(Dictionary<string, string> next, CancellationToken cancellationToken)
    {
        if (next.Count == 0) await secrets.DeleteAsync(SecretName, cancellationToken).ConfigureAwait(false);
        else await secrets.SetAsync(SecretName, JsonSerializer.Serialize(next), cancellationToken).ConfigureAwait(false);
        _passwords = next;
    }

    private async Task<Dictionary<string, string>> LoadAsync(CancellationToken cancellationToken)
    {
        if (_passwords is { } loaded) return loaded;
        var text = await secrets.GetAsync(SecretName, cancellationToken).ConfigureAwait(false);
        var read = string.IsNullOrEmpty(text) ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(text);
        var passwords = new Dictionary<string, string>(read ?? [], StringComparer.Ordinal);
        return Interlocked.CompareExchange(ref _passwords, passwords, null) ?? passwords;
    }
}
