namespace Appliance.Plugins.Webhooks.Protocol;

/// <summary>One delivery attempt as shown to users.</summary>
public sealed record DeliveryAttempt(string MessageId, string Target, int Attempt, DateTimeOffset At, string Outcome, int? Status, string? Error);

/// <summary>The latest attempts, newest last, at most <c>capacity</c> (older ones are forgotten: the outbox keeps the events).</summary>
public sealed class DeliveryLog(int capacity = 1000)
{
    private readonly Queue<DeliveryAttempt> _attempts = new();
    private readonly object _lock = new();

    public void Add(DeliveryAttempt attempt)
    {
        lock (_lock)
        {
            _attempts.Enqueue(attempt);
            while (_attempts.Count > capacity) _attempts.Dequeue();
        }
    }

    public IReadOnlyList<DeliveryAttempt> Snapshot()
    {
        lock (_lock) return _attempts.ToList();
    }
}
