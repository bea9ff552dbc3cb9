namespace Appliance.CloudLink;

/// <summary>
/// Remembers the request ids of commands already taken, so a redelivered or replayed command runs once. An id is
/// kept until its command's expiry (or <see cref="DefaultKeep"/> without one); when full, the id closest to its end
/// is forgotten first. With a <see cref="RequestIdLog"/> the ids survive a restart.
/// </summary>
public sealed class ReplayGuard
{
    public static readonly TimeSpan DefaultKeep = TimeSpan.FromHours(24);

    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private readonly RequestIdLog? _log;

    public ReplayGuard(TimeProvider time, int capacity = 10_000, RequestIdLog? log = null)
    {
        _time = time;
        _capacity = capacity;
        _log = log;
        if (log is null) return;
        foreach (var (id, until) in log.Load(time.GetUtcNow()).OrderByDescending(e => e.Until).Take(capacity)) _seen[id] = until;
    }

    /// <summary>True the first time <paramref name="requestId"/> is seen; false for a replay.</summary>
    public bool TryAdmit(string requestId, DateTimeOffset? expiresAt)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_seen.TryGetValue(requestId, out var until) && until > now) return false;
            if (_seen.Count >= _capacity) Forget(now);
            var keepUntil = expiresAt ?? now + DefaultKeep;
            _seen[requestId] = keepUntil;
            _log?.Remember(requestId, keepUntil);
            return true;
        }
    }

    public int Count
    {
        get
        {
            lock (_lock) return _seen.Count;
        }
    }

    private void Forget(DateTimeOffset now)
    {
        foreach (var expired in _seen.Where(e => e.Value <= now).Select(e => e.Key).ToList()) _seen.Remove(expired);
        if (_seen.Count < _capacity) return;
        var oldest = _seen.MinBy(e => e.Value).Key;
        _seen.Remove(oldest);
    }
}
