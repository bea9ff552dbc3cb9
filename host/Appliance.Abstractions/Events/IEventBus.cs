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
}

public delegate Task EventHandler(EventEnvelope envelope, CancellationToken cancellationToken);
