namespace Appliance.Abstractions.Events;

/// <summary>
/// Typed events, delivered at least once to each subscriber through a durable outbox.
/// A subscriber that throws gets the same event again later; handlers must be idempotent
/// (use <see cref="EventEnvelope.Id"/> to drop duplicates).
/// </summary>
public interface IEventBus
{
    /// <summary>Stores the event durably, then returns. Once this completes, the event survives a crash.</summary>
    Task<EventEnvelope> PublishAsync<TEvent>(TEvent @event, CancellationToken cancellationToken = default)
        where TEvent : class, IApplianceEvent;

    /// <summary>
    /// Subscribes a durable subscriber. <paramref name="subscription"/> is a stable name within the plugin:
    /// after a restart the same name resumes where it left off. <paramref name="types"/> are event type
    /// names (<see cref="EventEnvelope.Type"/>); empty = every event. Dispose to stop delivery (events keep
    /// queueing for the subscription until it is removed).
    /// </summary>
    IDisposable Subscribe(string subscription, IReadOnlyCollection<string> types, EventHandler handler);

    /// <summary>
    /// As <see cref="Subscribe"/>, for a handler that takes runs of up to <paramref name="maxBatch"/> events at once
    /// (a bulk API, pipelined publishes): the cursor moves past the events the handler reports delivered, the rest
    /// come again after a backoff (HostApi 1.1, plugins running in the host's process; the default exists only so
    /// that test doubles written against 1.0 keep compiling).
    /// </summary>
    IDisposable SubscribeBatch(string subscription, IReadOnlyCollection<string> types, int maxBatch, BatchEventHandler handler) =>
        throw new NotSupportedException("IEventBus.SubscribeBatch needs HostApi 1.1 and an in-process plugin");
}

public delegate Task EventHandler(EventEnvelope envelope, CancellationToken cancellationToken);
