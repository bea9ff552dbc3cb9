namespace Appliance.Plugins.Shared;

/// <summary>
/// At most <c>limit</c> messages per rule in any <c>window</c> (sliding). Keeps only the send times inside the window,
/// per rule, so memory is bounded by rules x limit. Shared source (plugins/Shared/RateLimit), compiled internal into
/// each integration that rate-limits rule actions (e-mail, SMS).
/// </summary>
internal sealed class RuleRateLimit(int limit, TimeSpan window)
{
    private readonly Dictionary<string, Queue<DateTimeOffset>> _sent = new();
    private readonly object _lock = new();

    /// <summary>True (and counted) when the rule may send at <paramref name="now"/>.</summary>
    public bool TryAcquire(string ruleId, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_sent.TryGetValue(ruleId, out var times)) _sent[ruleId] = times = new Queue<DateTimeOffset>();
            while (times.Count > 0 && now - times.Peek() >= window) times.Dequeue();
            if (times.Count >= limit) return false;
            times.Enqueue(now);
            return true;
        }
    }
}
