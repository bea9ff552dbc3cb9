using System.Security.Cryptography;

namespace Appliance.Host.Backup;

/// <summary>
/// A restore the portal previewed and waits to be confirmed: the uploaded file and passphrase kept in memory for
/// <see cref="Lifetime"/> under a random id, for the user who uploaded it only; at most one per user.
/// </summary>
public sealed class PendingRestores(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly object _gate = new();
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);

    private sealed record Pending(string User, byte[] File, string Passphrase, DateTimeOffset Expires);

    public string Keep(string user, byte[] file, string passphrase)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        lock (_gate)
        {
            foreach (var old in _pending.Where(p => p.Value.User == user || p.Value.Expires <= time.GetUtcNow()).Select(p => p.Key).ToList()) _pending.Remove(old);
            _pending[id] = new Pending(user, file, passphrase, time.GetUtcNow() + Lifetime);
        }
        return id;
    }

    /// <summary>The kept file and passphrase, removed from memory; null when unknown, expired or another user's.</summary>
    public (byte[] File, string Passphrase)? Take(string user, string? id)
    {
        if (id is null) return null;
        lock (_gate)
        {
            if (!_pending.Remove(id, out var pending)) return null;
            return pending.User == user && pending.Expires > time.GetUtcNow() ? (pending.File, pending.Passphrase) : null;
        }
    }
}
