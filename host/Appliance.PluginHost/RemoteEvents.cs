using System.Collections.Concurrent;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Isolation.Wire;
using EventHandler = Appliance.Abstractions.Events.EventHandler;

namespace Appliance.PluginHost;

/// <summary>
/// The event bus through the host's durable outbox: a publish returns once the host stored the event; a delivery is
/// a host request answered only after the plugin's handler returned, so at-least-once holds across the boundary.
/// Also the HostApi 1.1 named events (same subscriptions, by name).
/// </summary>
internal sealed class RemoteEvents(HostLink host) : IEventBus, INamedEvents
{
    private readonly HostLink _host = host;
    private readonly ConcurrentDictionary<int, EventHandler> _handlers = new();
    private int _next;

    public async Task<EventEnvelope> PublishAsync<TEvent>(TEvent @event, CancellationToken cancellationToken = default)
        where TEvent : class, IApplianceEvent =>
        await _host.CallAsync<EventEnvelope>(Ops.PublishEvent,
            new PublishEventArgs(typeof(TEvent).Name, JsonSerializer.SerializeToElement(@event, EventEnvelope.SerializerOptions)), cancellationToken);

    public IDisposable Subscribe(string subscription, IReadOnlyCollection<string> types, EventHandler handler)
    {
        var handle = Interlocked.Increment(ref _next);
        _handlers[handle] = handler;
        _host.Call(Ops.Subscribe, new SubscribeArgs(handle, subscription, types.ToList()));
        return new Unsubscribe(this, handle);
    }

    public Result<EventTypeInfo> Register(string type, EventCategory category, string jsonSchema, string description) =>
        Task.Run(() => _host.CallResultAsync<EventTypeInfo>(Ops11.RegisterEventType, new RegisterEventTypeArgs(type, category, jsonSchema, description))).GetAwaiter().GetResult();

    public IReadOnlyList<EventTypeInfo> Types() => _host.Call<List<EventTypeInfo>>(Ops11.EventTypes, new { });

    public Task<Result<EventEnvelope>> PublishAsync(string type, JsonElement data, CancellationToken cancellationToken = default) =>
        _host.CallResultAsync<EventEnvelope>(Ops11.PublishNamed, new PublishNamedArgs(type, data), cancellationToken);

    public IDisposable Subscribe(string subscription, EventFilter filter, EventHandler handler)
    {
        var handle = Interlocked.Increment(ref _next);
        _handlers[handle] = handler;
        _host.Call(Ops11.SubscribeNamed, new SubscribeNamedArgs(handle, subscription, filter));
        return new Unsubscribe(this, handle);
    }

    /// <summary>A delivery from the host; throws (so the host retries later) when the handler does.</summary>
    public Task DeliverAsync(DeliverEventArgs args, CancellationToken cancellationToken) =>
        _handlers.TryGetValue(args.Handle, out var handler)
            ? handler(args.Envelope, cancellationToken)
            : throw new InvalidOperationException($"no subscription with handle {args.Handle}");

    private sealed class Unsubscribe(RemoteEvents owner, int handle) : IDisposable
    {
        public void Dispose()
        {
            if (owner._handlers.TryRemove(handle, out _)) owner._host.Notify(Ops.Unsubscribe, new HandleArgs(handle));
        }
    }
}
