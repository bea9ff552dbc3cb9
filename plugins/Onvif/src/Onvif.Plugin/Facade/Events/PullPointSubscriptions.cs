using Appliance.Abstractions;

namespace Appliance.Plugins.Onvif.Plugin.Facade.Events;

/// <summary>
/// The facade's pull-point subscriptions (ONVIF Events, "Real-time Pull-Point Notification Interface"). Bounded: at most
/// <c>maxSubscriptions</c> at once (CreatePullPointSubscription beyond answers a fault), each queue at most
/// <c>maxQueued</c> notifications (the oldest go first, counted), termination at most <see cref="MaxTermination"/> away.
/// A subscription past its termination time is removed. An event reaches the subscriptions that exist when it occurred.
/// </summary>
public sealed class PullPointSubscriptions(TimeProvider time, int maxSubscriptions = 32, int maxQueued = 256)
{
    public static readonly TimeSpan DefaultTermination = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxTermination = TimeSpan.FromHours(1);

    private readonly Dictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public sealed class Subscription(string id, DateTimeOffset created, DateTimeOffset terminates)
    {
        internal readonly Queue<EventTopics.Notification> Queue = new();
        internal TaskCompletionSource Signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Id => id;
        public DateTimeOffset Created => created;
        public DateTimeOffset Terminates { get; internal set; } = terminates;
        public long Dropped { get; internal set; }
    }

    public int Count { get { lock (_lock) return _subscriptions.Count; } }

    public Result<Subscription> Create(DateTimeOffset? terminates)
    {
        var now = time.GetUtcNow();
        var until = Clamp(terminates ?? now + DefaultTermination, now);
        lock (_lock)
        {
            Sweep(now);
            if (_subscriptions.Count >= maxSubscriptions)
                return new Failure("Action/TooManySubscriptions", $"at most {maxSubscriptions} pull-point subscriptions at once");
            var subscription = new Subscription(Guid.NewGuid().ToString("N"), now, until);
            _subscriptions[subscription.Id] = subscription;
            return subscription;
        }
    }

    public Result<Subscription> Renew(string id, DateTimeOffset? terminates)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            Sweep(now);
            if (!_subscriptions.TryGetValue(id, out var s)) return Unknown(id);
            s.Terminates = Clamp(terminates ?? now + DefaultTermination, now);
            return s;
        }
    }

    public bool Remove(string id)
    {
        lock (_lock)
        {
            if (!_subscriptions.Remove(id, out var s)) return false;
            s.Signal.TrySetResult();
            return true;
        }
    }

    /// <summary>Queues a notification for every live subscription created before it occurred.</summary>
    public void Publish(EventTopics.Notification notification)
    {
        lock (_lock)
        {
            Sweep(time.GetUtcNow());
            foreach (var s in _subscriptions.Values.Where(s => s.Created <= notification.At))
            {
                s.Queue.Enqueue(notification);
                while (s.Queue.Count > maxQueued) { s.Queue.Dequeue(); s.Dropped++; }
                s.Signal.TrySetResult();
            }
        }
    }

    /// <summary>Up to <paramref name="limit"/> notifications, waiting at most <paramref name="timeout"/> for the first.</summary>
    public async Task<Result<(Subscription Subscription, IReadOnlyList<EventTopics.Notification> Messages)>> PullAsync(
        string id, TimeSpan timeout, int limit, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            Task wait;
            Subscription s;
            lock (_lock)
            {
                Sweep(time.GetUtcNow());
                if (!_subscriptions.TryGetValue(id, out s!)) return Unknown(id);
                if (s.Queue.Count > 0 || time.GetUtcNow() >= deadline)
                {
                    var messages = new List<EventTopics.Notification>();
                    while (messages.Count < limit && s.Queue.Count > 0) messages.Add(s.Queue.Dequeue());
                    return (s, (IReadOnlyList<EventTopics.Notification>)messages);
                }
                if (s.Signal.Task.IsCompleted) s.Signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = s.Signal.Task;
            }
            var left = deadline - time.GetUtcNow();
            if (left > TimeSpan.Zero)
                await Task.WhenAny(wait, Task.Delay(left, time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static DateTimeOffset Clamp(DateTimeOffset until, DateTimeOffset now) =>
        until < now + TimeSpan.FromSeconds(10) ? now + TimeSpan.FromSeconds(10) : until > now + MaxTermination ? now + MaxTermination : until;

    private void Sweep(DateTimeOffset now)
    {
        foreach (var gone in _subscriptions.Values.Where(s => s.Terminates <= now).ToList())
        {
            _subscriptions.Remove(gone.Id);
            gone.Signal.TrySetResult();
        }
    }

    private static Failure Unknown(string id) =>
        new("InvalidArgVal/NoSubscription", $"no pull-point subscription '{(id.Length <= 40 ? id : id[..40])}' (unknown, unsubscribed or terminated)");
}
