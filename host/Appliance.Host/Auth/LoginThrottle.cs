namespace Appliance.Host.Auth;

/// <summary>The throttle's answer: evaluate the password (and report the outcome with the ticket), or refuse until a time.</summary>
public sealed record ThrottleTicket(bool Admitted, DateTimeOffset? RefusedUntil, IReadOnlyList<string> Keys);

/// <summary>
/// Failed logins counted per source address and per user, atomically. Each key has a score that decays
/// exponentially (half-life <see cref="HalfLife"/>); once a key reaches <see cref="FreeFailures"/>, every further
/// attempt waits <see cref="BaseDelay"/> doubled per extra failure (at most <see cref="MaxDelay"/>).
/// <para>
/// An attempt is counted as a failure <em>before</em> the password is checked (and refunded on success), so
/// parallel attempts cannot all be evaluated: at most <see cref="FreeFailures"/> are, whatever the concurrency.
/// The per-user key applies only to sources outside management: a lockout caused from elsewhere never locks
/// the user out of a management source (whose own failures count on its source key).
/// </para>
/// In memory on purpose: one lock, no read-check-write race; a restart (which only the box can do) forgets it.
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    public const int FreeFailures = 5;
    public static readonly TimeSpan BaseDelay = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan HalfLife = TimeSpan.FromMinutes(10);
    private const int MaxEntries = 100_000;

    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed class Entry
    {
        public double Score;
        public DateTimeOffset At;
        public DateTimeOffset BlockedUntil;
    }

    /// <summary>Asks to evaluate a login of <paramref name="user"/> from <paramref name="sourceKey"/>.</summary>
    public ThrottleTicket TryAdmit(string user, string sourceKey, bool fromManagement)
    {
        List<string> keys = ["src:" + sourceKey];
        if (!fromManagement) keys.Add("usr:" + user.ToLowerInvariant());
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_entries.Count > MaxEntries) Prune(now);
            var entries = keys.Select(k => Decayed(k, now)).ToList();
            var blocked = entries.Where(e => e.BlockedUntil > now).ToList();
            if (blocked.Count > 0) return new ThrottleTicket(false, blocked.Max(e => e.BlockedUntil), keys);
            foreach (var entry in entries)
            {
                // Counted now, refunded on success: an attempt in flight holds its place.
                entry.Score += 1;
                if (Reached(entry.Score)) entry.BlockedUntil = now + Delay(entry.Score);
            }
            return new ThrottleTicket(true, null, keys);
        }
    }

    /// <summary>The password was right: the reservation is refunded, and the user's own count starts again.</summary>
    public void Succeeded(ThrottleTicket ticket)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            foreach (var key in ticket.Keys)
            {
                var entry = Decayed(key, now);
                entry.Score = key.StartsWith("usr:", StringComparison.Ordinal) ? 0 : Math.Max(0, entry.Score - 1);
                if (!Reached(entry.Score)) entry.BlockedUntil = DateTimeOffset.MinValue;
            }
        }
    }

    /// <summary>When the keys of a refused or failed attempt are free again (for the message and Retry-After).</summary>
    public DateTimeOffset? BlockedUntil(ThrottleTicket ticket)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var until = ticket.Keys.Select(k => Decayed(k, now).BlockedUntil).Max();
            return until > now ? until : null;
        }
    }

    /// <summary>Console unlock: forgets the user's failures and those of every source.</summary>
    public void Unlock(string user)
    {
        lock (_gate)
        {
            _entries.Remove("usr:" + user.ToLowerInvariant());
            foreach (var key in _entries.Keys.Where(k => k.StartsWith("src:", StringComparison.Ordinal)).ToList())
                _entries.Remove(key);
        }
    }

    /// <summary>Whether a decayed score counts as <see cref="FreeFailures"/> failures (five quick failures decay to 4.9x, not below 4.5).</summary>
    private static bool Reached(double score) => score >= FreeFailures - 0.5;

    public static TimeSpan Delay(double score)
    {
        var doublings = Math.Max(0, (int)Math.Round(score, MidpointRounding.AwayFromZero) - FreeFailures);
        var seconds = BaseDelay.TotalSeconds * Math.Pow(2, Math.Min(doublings, 20));
        return TimeSpan.FromSeconds(Math.Min(seconds, MaxDelay.TotalSeconds));
    }

    private Entry Decayed(string key, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            entry = new Entry { At = now, BlockedUntil = DateTimeOffset.MinValue };
            _entries[key] = entry;
            return entry;
        }
        var elapsed = (now - entry.At).TotalSeconds;
        if (elapsed > 0) entry.Score *= Math.Pow(0.5, elapsed / HalfLife.TotalSeconds);
        entry.At = now;
        return entry;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var key in _entries.Keys.ToList())
            if (Decayed(key, now) is { Score: < 0.5 } e && e.BlockedUntil < now) _entries.Remove(key);
    }
}
