using Appliance.Abstractions.Events;
using Appliance.Host.Events;
using EventHandler = Appliance.Abstractions.Events.EventHandler;

namespace Appliance.Host.Plugins;

/// <summary>
/// The event bus as one plugin sees it: events published with the plugin id as source, subscriptions
/// named <c>{pluginId}/{name}</c>, and all of them detached when the plugin stops.
/// </summary>
internal sealed class PluginEventBus(OutboxEventBus bus, string pluginId) : IEventBus, IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _subscriptions = [];
    private readonly object _gate = new();

    public Task<EventEnvelope> PublishAsync<TEvent>(TEvent @event, CancellationToken cancellationToken = default)
        where TEvent : class, IApplianceEvent
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(bus.Publish(pluginId, @event));
    }

    public IDisposable Subscribe(string subscription, IReadOnlyCollection<string> types, EventHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subscription);
        var handle = bus.Subscribe($"{pluginId}/{subscription}", types, handler);
        lock (_gate) _subscriptions.Add(handle);
        return new Unsubscribe(this, handle);
    }

    public IDisposable SubscribeBatch(string subscription, IReadOnlyCollection<string> types, int maxBatch, BatchEventHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subscription);
        var handle = bus.SubscribeBatch($"{pluginId}/{subscription}", types, maxBatch, handler);
        lock (_gate) _subscriptions.Add(handle);
        return new Unsubscribe(this, handle);
    }

    public async ValueTask DisposeAsync()
    {
        IAsyncDisposable[] all;
        lock (_gate)
        {
            all = _subscriptions.ToArray();
            _subscriptions.Clear();
        }
        foreach (var s in all) await s.DisposeAsync();
    }

    private sealed class Unsubscribe(PluginEventBus owner, IAsyncDisposable handle) : IDisposable
    {
        public void Dispose()
        {
            bool removed;
            lock (owner._gate) removed = owner._subscriptions.Remove(handle);
            if (removed) handle.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
