using System.Collections.Concurrent;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Http;
using Appliance.Abstractions.Media;
using Appliance.Abstractions.Services;

namespace Appliance.Testing.Plugins;

/// <summary>
/// A host for the plugin under test: configuration, a clock (the system's unless given), health by component, an
/// outbox double with the bus's contract (a handler that throws gets the same event again later, in order, per
/// subscription), routes recorded by method and template, data-use reports by category, log lines in memory,
/// background loops. What only some plugins need is given at construction (<c>init</c>): the stream hub, the camera
/// directory, declared sockets, users, secrets, host settings; a member not given, and one the plugin must not use,
/// throws. The one plugin-context double of every plugin's tests.
/// </summary>
public sealed class PluginContextDouble(string configJson, TimeProvider? time = null, string pluginId = "appliance.test") : IPluginContext, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentBag<Task> _loops = [];

    public string PluginId => pluginId;
    public JsonElement Config { get; } = JsonDocument.Parse(configJson).RootElement.Clone();
    public OutboxDouble Outbox { get; } = new();
    public IEventBus Events => Outbox;
    public HealthDouble HealthReports { get; } = new();
    public IHealthReporter Health => HealthReports;
    public TimeProvider Time => time ?? TimeProvider.System;
    public MemoryLogDouble Log { get; } = new();
    public IPluginLogger Logger => Log;
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("plugin-double-").FullName;
    public RoutesDouble RouteTable { get; } = new();
    public IRouteRegistry Routes => RouteTable;
    /// <summary>Sockets for declared ports (set it for a plugin that listens; usually a <see cref="LoopbackSocketsDouble"/>).</summary>
    public IDeclaredSockets? DeclaredSockets { get; init; }
    public IDeclaredSockets Sockets => DeclaredSockets ?? throw new NotSupportedException("no declared sockets in this test");
    public NamedEventsDouble NamedBus { get; } = new(pluginId);
    public INamedEvents NamedEvents => NamedBus;
    public HttpSurfaceDouble HttpRoutes { get; } = new(pluginId);
    public IHttpSurface Http => HttpRoutes;
    public DataUseDouble DataUseReports { get; } = new();
    public IDataUse DataUse => DataUseReports;

    /// <summary>Loops that failed (the host would quarantine the plugin with them).</summary>
    public ConcurrentQueue<Exception> BackgroundFailures { get; } = new();
    /// <summary>The stream hub (usually the real <c>Appliance.Streams.StreamHub</c>), for a plugin that uses streams.</summary>
    public IStreamHub? StreamHub { get; init; }
    public IStreamHub Streams => StreamHub ?? throw new NotSupportedException("no stream hub in this test");
    /// <summary>The camera inventory (usually a <see cref="CamerasDouble"/>), for a plugin that uses cameras.</summary>
    public ICameraDirectory? CameraDirectory { get; init; }
    public ICameraDirectory Cameras => CameraDirectory ?? throw new NotSupportedException("no cameras in this test");
    public IUserVerifier? UserVerifier { get; init; }
    public IUserVerifier Users => UserVerifier ?? throw new NotSupportedException("no users in this test");
    public IPluginSecrets? SecretStore { get; init; }
    public IPluginSecrets Secrets => SecretStore ?? throw new NotSupportedException("no secrets in this test");
    public IHostSettings? Settings { get; init; }
    public IHostSettings HostSettings => Settings ?? throw new NotSupportedException("no host settings in this test");

    /// <summary>True when every background loop has returned.</summary>
    public bool AllLoopsDone => _loops.All(t => t.IsCompleted);

    /// <summary>Runs the loop on the thread pool until <see cref="DisposeAsync"/>; a failure is kept in <see cref="BackgroundFailures"/>.</summary>
    public void RunBackground(string name, Func<CancellationToken, Task> loop) =>
        _loops.Add(Task.Run(async () =>
        {
            try
            {
                await loop(_stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                BackgroundFailures.Enqueue(new InvalidOperationException($"background loop {name} failed", e));
            }
        }));

    /// <summary>Stops the background loops (as the host does at plugin stop) and waits for them.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(30));
        (DeclaredSockets as IDisposable)?.Dispose();
        _stopping.Dispose();
    }
}

/// <summary>Data-use reports by category, refusing what the host refuses (an unknown category, a negative count).</summary>
public sealed class DataUseDouble : Appliance.Abstractions.Services.IDataUse
{
    public ConcurrentDictionary<string, long> Bytes { get; } = new(StringComparer.Ordinal);

    public void Record(string category, long bytes)
    {
        if (!Appliance.Abstractions.Services.DataUseCategories.All.Contains(category))
            throw new ArgumentException($"data-use category '{category}' is not one of {string.Join(", ", Appliance.Abstractions.Services.DataUseCategories.All)}", nameof(category));
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Bytes.AddOrUpdate(category, bytes, (_, total) => total + bytes);
    }
}

/// <summary>The routes a plugin mapped, by "METHOD template".</summary>
public sealed class RoutesDouble : IRouteRegistry
{
    public ConcurrentDictionary<string, PluginRequestHandler> Routes { get; } = new();

    public void Map(string method, string template, PluginRequestHandler handler) => Routes[$"{method} {template}"] = handler;

    /// <summary>Calls a mapped route as the host would, with a UTF-8 body, as user <c>tester</c>.</summary>
    public Task<PluginHttpResponse> InvokeAsync(string method, string template, Dictionary<string, string> routeValues, string body = "") =>
        Routes[$"{method} {template}"](new PluginHttpRequest(method, template, routeValues, new Dictionary<string, string>(), new Dictionary<string, string>(),
            System.Text.Encoding.UTF8.GetBytes(body), "tester"), CancellationToken.None);
}

public sealed class HealthDouble : IHealthReporter
{
    public ConcurrentDictionary<string, (HealthState State, string Message)> Components { get; } = new();

    public void Report(string component, HealthState state, string message) => Components[component] = (state, message);

    public void Clear(string component) => Components.TryRemove(component, out _);
}

/// <summary>The outbox as subscribers see it: each subscription has its own queue; a failed event stays at its head.</summary>
public sealed class OutboxDouble : IEventBus
{
    private readonly List<(string Name, IReadOnlyCollection<string> Types, Abstractions.Events.EventHandler Handler, Queue<EventEnvelope> Pending)> _subscriptions = [];
    private long _sequence;
    private int _active;

    public ConcurrentQueue<IApplianceEvent> Published { get; } = new();

    public IReadOnlyList<string> SubscriptionNames => _subscriptions.Select(s => s.Name).ToList();

    /// <summary>Subscriptions not disposed by the plugin (a stopped plugin leaves none).</summary>
    public int ActiveSubscriptions => Volatile.Read(ref _active);

    /// <summary>The published events of one type, in order.</summary>
    public IReadOnlyList<T> Of<T>() where T : class, IApplianceEvent => Published.OfType<T>().ToList();

    public Task<EventEnvelope> PublishAsync<TEvent>(TEvent @event, CancellationToken cancellationToken = default) where TEvent : class, IApplianceEvent
    {
        Published.Enqueue(@event);
        return Task.FromResult(Envelope(@event, DateTimeOffset.UtcNow));
    }

    public IDisposable Subscribe(string subscription, IReadOnlyCollection<string> types, Abstractions.Events.EventHandler handler)
    {
        _subscriptions.Add((subscription, types, handler, new Queue<EventEnvelope>()));
        return Active();
    }

    /// <summary>A batch subscription: runs of up to <paramref name="maxBatch"/> pending events; the handler's count is dequeued.</summary>
    public IDisposable SubscribeBatch(string subscription, IReadOnlyCollection<string> types, int maxBatch, BatchEventHandler handler)
    {
        var pending = new Queue<EventEnvelope>();
        _subscriptions.Add((subscription, types, async (_, ct) =>
        {
            // Called once per pending head: hands over the run from the head, then dequeues what the handler delivered
            // beyond the head (the caller dequeues the head itself when this returns).
            var run = pending.Take(maxBatch).ToList();
            var delivered = await handler(run, ct);
            if (delivered < 1) throw new IOException($"batch subscription {subscription}: none of {run.Count} delivered");
            for (var i = 1; i < delivered; i++) pending.Dequeue();
            Batches.Enqueue(run.Count);
        }, pending));
        return Active();
    }

    /// <summary>The size of each run handed to batch subscriptions, in order.</summary>
    public ConcurrentQueue<int> Batches { get; } = new();

    public EventEnvelope Envelope<TEvent>(TEvent @event, DateTimeOffset occurredAt) where TEvent : class, IApplianceEvent =>
        new(Interlocked.Increment(ref _sequence), Guid.NewGuid(), typeof(TEvent).Name, @event.Category, "rules", occurredAt,
            JsonSerializer.SerializeToElement(@event, EventEnvelope.SerializerOptions));

    /// <summary>Stores an event for every subscription of its type and hands the queues over.</summary>
    public Task AppendAsync(EventEnvelope envelope)
    {
        Store(envelope);
        return DrainAsync();
    }

    /// <summary>Stores an event for every subscription of its type without handing anything over (see <see cref="DrainAsync"/>).</summary>
    public void Store(EventEnvelope envelope)
    {
        foreach (var s in _subscriptions.Where(s => s.Types.Count == 0 || s.Types.Contains(envelope.Type))) s.Pending.Enqueue(envelope);
    }

    /// <summary>Hands each subscription its pending events in order, stopping at the first that throws (it stays for later).</summary>
    public async Task DrainAsync()
    {
        foreach (var s in _subscriptions)
        {
            while (s.Pending.TryPeek(out var next))
            {
                try
                {
                    await s.Handler(next, default);
                }
                catch (IOException)
                {
                    break;
                }
                s.Pending.Dequeue();
            }
        }
    }

    public int PendingCount => _subscriptions.Sum(s => s.Pending.Count);

    /// <summary>Hands one event to one subscription as the outbox does: true when its handler returned (delivered), false when it threw (kept for later).</summary>
    public async Task<bool> DeliverAsync(string subscription, EventEnvelope envelope)
    {
        var handler = _subscriptions.Single(s => s.Name == subscription).Handler;
        try
        {
            await handler(envelope, default);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Hands an event once to every subscription of its type, now, as the outbox would; what a handler throws reaches
    /// the caller (for tests of a handler's outcome, not of redelivery: see <see cref="AppendAsync"/>). For plain
    /// subscriptions, not batch ones.
    /// </summary>
    public async Task<EventEnvelope> DeliverToSubscribersAsync<TEvent>(TEvent @event) where TEvent : class, IApplianceEvent
    {
        var envelope = Envelope(@event, DateTimeOffset.UtcNow);
        foreach (var s in _subscriptions.Where(s => s.Types.Count == 0 || s.Types.Contains(envelope.Type)).ToList()) await s.Handler(envelope, default);
        return envelope;
    }

    private Subscribed Active()
    {
        Interlocked.Increment(ref _active);
        return new Subscribed(this);
    }

    private sealed class Subscribed(OutboxDouble owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref owner._active);
        }
    }
}
