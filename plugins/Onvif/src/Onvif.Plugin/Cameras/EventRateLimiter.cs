namespace Appliance.Plugins.Onvif.Plugin.Cameras;

/// <summary>
/// Per-camera budget for ONVIF notifications: a token bucket of <paramref name="burst"/> events refilled at
/// <paramref name="perSecond"/>. Events beyond it are dropped and counted; <see cref="PauseBeforeNextPull"/> tells the
/// pull loop to wait instead of re-polling at once while the budget is spent (a camera answering every pull with
/// 1,024 notifications gets throttled, not a hot loop). Used by one pull loop: not thread-safe.
/// </summary>
public sealed class EventRateLimiter(TimeProvider time, double perSecond = 20, double burst = 64)
{
    private readonly double _burst = burst;
    private double _tokens = burst;
    private long _last = time.GetTimestamp();

    /// <summary>Events dropped so far.</summary>
    public long Dropped { get; private set; }

    /// <summary>Takes one event's token; false when the budget is spent (the event is dropped and counted).</summary>
    public bool TryTake()
    {
        Refill();
        if (_tokens >= 1)
        {
            _tokens -= 1;
            return true;
        }
        Dropped++;
        return false;
    }

    /// <summary>How long to wait before pulling again: zero while there is budget, else until one event's worth is back.</summary>
    public TimeSpan PauseBeforeNextPull()
    {
        Refill();
        return _tokens >= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Max(1 - _tokens, 0) / perSecond + 1.0);
    }

    private void Refill()
    {
        var now = time.GetTimestamp();
        _tokens = Math.Min(_burst, _tokens + time.GetElapsedTime(_last, now).TotalSeconds * perSecond);
        _last = now;
    }
}
