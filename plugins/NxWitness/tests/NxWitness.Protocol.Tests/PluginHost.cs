using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Media;
using EventHandler = Appliance.Abstractions.Events.EventHandler;

namespace Appliance.Plugins.NxWitness.Tests;

/// <summary>
/// Just enough host for the plugin: its configuration, an event bus that records subscriptions and publications and
/// hands an event to one subscription the way the outbox does (a throwing handler leaves it undelivered), health
/// reports and routes. What the plugin does not use is null.
/// </summary>
public sealed class PluginHost(string configJson) : IPluginContext, IEventBus, IHealthReporter, IRouteRegistry
{
    private readonly Dictionary<string, EventHandler> _subscriptions = [];
    private readonly List<IApplianceEvent> _published = [];
    private readonly Dictionary<string, HealthReport> _health = [];

    public Dictionary<string, PluginRequestHandler> RouteTable { get; } = [];

    public string PluginId => "appliance.nxwitness";
    public JsonElement Config { get; } = JsonDocument.Parse(configJson).RootElement.Clone();
    public IPluginLogger Logger => null!;
    public string DataDirectory => Path.GetTempPath();
    public IEventBus Events => this;
    public IHealthReporter Health => this;
    public IRouteRegistry Routes => this;
    public IDeclaredSockets Sockets => null!;
    public IStreamHub Streams => null!;
    public ICameraDirectory Cameras => null!;
    public TimeProvider Time => TimeProvider.System;

    public void RunBackground(string name, Func<CancellationToken, Task> loop) => throw new NotSupportedException();

    public IReadOnlyCollection<string> Subscriptions { get { lock (_subscriptions) return _subscriptions.Keys.ToList(); } }

    public IReadOnlyList<IApplianceEvent> Published { get { lock (_published) return _published.ToList(); } }

    public HealthReport? HealthOf(string component) { lock (_health) return _health.GetValueOrDefault(component); }

    public Task<EventEnvelope> PublishAsync<TEvent>(TEvent @event, CancellationToken cancellationToken = default) where TEvent : class, IApplianceEvent
    {
        lock (_published) _published.Add(@event);
        return Task.FromResult(Envelope(@event, DateTimeOffset.UtcNow));
    }

    public IDisposable Subscribe(string subscription, IReadOnlyCollection<string> types, EventHandler handler)
    {
        lock (_subscriptions) _subscriptions.Add(subscription, handler);
        return new Unsubscribe(() => { lock (_subscriptions) _subscriptions.Remove(subscription); });
    }

    /// <summary>Hands the event to one subscription; true when its handler returned (delivered), false when it threw (kept).</summary>
    public async Task<bool> DeliverAsync(string subscription, EventEnvelope envelope)
    {
        EventHandler handler;
        lock (_subscriptions) handler = _subscriptions[subscription];
        try { await handler(envelope, default); return true; }
        catch (IOException) { return false; }
    }

    public static EventEnvelope Envelope<TEvent>(TEvent @event, DateTimeOffset occurredAt) where TEvent : class, IApplianceEvent =>
        new(1, Guid.NewGuid(), typeof(TEvent).Name, @event.Category, "test", occurredAt, JsonSerializer.SerializeToElement(@event, EventEnvelope.SerializerOptions));

    public void Report(string component, HealthState state, string message)
    {
        lock (_health) _health[component] = new HealthReport(component, state, message, DateTimeOffset.UtcNow);
    }

    public void Clear(string component)
    {
        lock (_health) _health.Remove(component);
    }

    public void Map(string method, string template, PluginRequestHandler handler) => RouteTable.Add($"{method} {template}", handler);

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
