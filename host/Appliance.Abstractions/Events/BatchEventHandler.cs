namespace Appliance.Abstractions.Events;

/// <summary>
/// Delivers a run of events of one durable subscription, in order, at once (a subscriber that can keep several
/// deliveries in flight, like the cloud link's QoS 1 publishes). Returns how many events from the start of the run
/// were delivered: the cursor moves past exactly those, and the rest are handed over again after a backoff.
/// Throwing means none was delivered.
/// </summary>
public delegate Task<int> BatchEventHandler(IReadOnlyList<EventEnvelope> batch, CancellationToken ct);
