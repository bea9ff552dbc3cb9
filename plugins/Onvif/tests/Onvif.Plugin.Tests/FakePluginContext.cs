using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Media;
using Appliance.Abstractions.Services;

namespace Appliance.Plugins.Onvif.Plugin.Tests;

/// <summary>An in-memory host for the plugin: records what it publishes, reports and maps; runs its background loops.</summary>
public sealed class FakePluginContext : IPluginContext, IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    /// <param name="configJson">The plugin configuration. The facade is switched off unless the configuration names a
    /// <c>facade</c> key, so tests written before it neither listen nor announce the appliance.</param>
    public FakePluginContext(string configJson, Func<int, IPAddress?, Socket>? bindUdp = null, Func<int, IPAddress?, Socket>? listenTcp = null)
    {
        var config = System.Text.Json.Nodes.JsonNode.Parse(configJson);
        if (config is System.Text.Json.Nodes.JsonObject settings && !settings.Any(p => p.Key.StartsWith("facade", StringComparison.Ordinal)))
            settings["facade.enabled"] = false;
        Config = JsonSerializer.SerializeToElement(config);
        Sockets = new FakeSockets(bindUdp, listenTcp);
    }

    public string PluginId => "appliance.onvif";
    public JsonElement Config { get; }
    public FakeLogger Log { get; } = new();
    public IPluginLogger Logger => Log;
    /// <summary>A folder of this context's own (pinned certificates, the facade's endpoint reference), deleted on dispose.</summary>
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("appl-onvif-test-").FullName;
    public FakeEventBus Bus { get; } = new();
    public IEventBus Events => Bus;
    public FakeHealth HealthReports { get; } = new();
    public IHealthReporter Health => HealthReports;
    public FakeRoutes RouteTable { get; } = new();
    public IRouteRegistry Routes => RouteTable;
    public IDeclaredSockets Sockets { get; }
    public IStreamHub Hub { get; set; } = new FakeHub();
    public IStreamHub Streams => Hub;
    public FakeUsers UserTable { get; } = new();
    public IUserVerifier Users => UserTable;
    public FakeSecrets SecretStore { get; } = new();
    public IPluginSecrets Secrets => SecretStore;
    public string? PublicAddress { get; set; }
    public IHostSettings HostSettings => new FakeHostSettings(this);
    public FakeCameras Inventory { get; } = new();
    public ICameraDirectory Cameras => Inventory;
    public TimeProvider Time => TimeProvider.System;

    public void RunBackground(string name, Func<CancellationToken, Task> loop)
    {
        lock (_loops) _loops.Add(Task.Run(async () =>
        {
            try { await loop(_stop.Token); }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
            catch (Exception ex) { Log.Log(PluginLogLevel.Critical, ex, "background loop {Name} crashed", name); throw; }
        }));
    }

    /// <summary>Cancels the loops and awaits them, as the host does at stop; rethrows a loop's crash.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Task[] loops;
        lock (_loops) loops = _loops.ToArray();
        await Task.WhenAll(loops);
        _stop.Dispose();
        Directory.Delete(DataDirectory, recursive: true);
    }
}

/// <summary>Like the host's declared sockets: only declared UDP ports, bound with SO_REUSEADDR (by default on loopback's machine, or by the test's factory).</summary>
public sealed class FakeSockets(Func<int, IPAddress?, Socket>? bindUdp, Func<int, IPAddress?, Socket>? listenTcp = null) : IDeclaredSockets
{
    public IReadOnlyList<DeclaredPort> Declared { get; } =
        [new(SocketTransport.Udp, 3702, 3702, "ws-discovery"), new(SocketTransport.Udp, 5353, 5353, "mdns"), new(SocketTransport.Tcp, 8000, 8000, "onvif facade")];

    /// <summary>The facade's declared port; bound on 127.0.0.1 with a free port (or by the test's factory) so tests run side by side.</summary>
    public Socket ListenTcp(int port, IPAddress? address = null, int backlog = 128)
    {
        if (listenTcp is not null) return listenTcp(port, address);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen(backlog);
        return socket;
    }

    public Socket BindUdp(int port, IPAddress? address = null)
    {
        if (!Declared.Any(d => d.Transport == SocketTransport.Udp && d.FromPort <= port && port <= d.ToPort))
            throw new UndeclaredPortException($"udp {port}");
        if (bindUdp is not null) return bindUdp(port, address);
        var socket = new Socket((address ?? IPAddress.Any).AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(address ?? IPAddress.Any, port));
        return socket;
    }
}

public sealed class FakeLogger : IPluginLogger
{
    private readonly ConcurrentQueue<string> _lines = new();
    public IReadOnlyList<string> Lines => _lines.ToArray();
    public bool IsEnabled(PluginLogLevel level) => true;
    public void Log(PluginLogLevel level, Exception? exception, string messageTemplate, params object?[] args) =>
        _lines.Enqueue($"{level}: {messageTemplate} | {string.Join(" | ", args)}{(exception is null ? "" : " | " + exception.Message)}");
}

public sealed class FakeEventBus : IEventBus
{
    private readonly ConcurrentQueue<IApplianceEvent> _published = new();
    private readonly ConcurrentDictionary<string, (IReadOnlyCollection<string> Types, Appliance.Abstractions.Events.EventHandler Handler)> _subscriptions = new();
    private long _sequence;

    public IReadOnlyList<IApplianceEvent> Published => _published.ToArray();

    public Task<EventEnvelope> PublishAsync<TEvent>(TEvent @event, CancellationToken cancellationToken = default) where TEvent : class, IApplianceEvent
    {
        _published.Enqueue(@event);
        return Task.FromResult(Envelope(@event));
    }

    public IDisposable Subscribe(string subscription, IReadOnlyCollection<string> types, Appliance.Abstractions.Events.EventHandler handler)
    {
        _subscriptions[subscription] = (types, handler);
        return new Unsubscriber(() => _subscriptions.TryRemove(subscription, out _));
    }

    /// <summary>Delivers an event as the outbox would, to every subscription whose types match.</summary>
    public async Task DeliverAsync<TEvent>(TEvent @event) where TEvent : class, IApplianceEvent
    {
        var envelope = Envelope(@event);
        foreach (var (types, handler) in _subscriptions.Values)
            if (types.Count == 0 || types.Contains(envelope.Type)) await handler(envelope, CancellationToken.None);
    }

    public int Subscriptions => _subscriptions.Count;

    private EventEnvelope Envelope<TEvent>(TEvent @event) where TEvent : class, IApplianceEvent =>
        new(Interlocked.Increment(ref _sequence), Guid.NewGuid(), typeof(TEvent).Name, @event.Category, "appliance.onvif", DateTimeOffset.UtcNow,
            JsonSerializer.SerializeToElement(@event, EventEnvelope.SerializerOptions));

    private sealed class Unsubscriber(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}

public sealed class FakeHealth : IHealthReporter
{
    private readonly ConcurrentDictionary<string, HealthReport> _reports = new();
    public IReadOnlyDictionary<string, HealthReport> Reports => _reports;
    public void Report(string component, HealthState state, string message) => _reports[component] = new HealthReport(component, state, message, DateTimeOffset.UtcNow);
    public void Clear(string component) => _reports.TryRemove(component, out _);
}

public sealed class FakeRoutes : IRouteRegistry
{
    private readonly ConcurrentDictionary<(string Method, string Template), PluginRequestHandler> _routes = new();
    public IReadOnlyCollection<(string Method, string Template)> Mapped => _routes.Keys.ToList();
    public void Map(string method, string template, PluginRequestHandler handler) => _routes[(method, template)] = handler;

    public Task<PluginHttpResponse> InvokeAsync(string method, string template, Dictionary<string, string> routeValues, string body = "") =>
        _routes[(method, template)](new PluginHttpRequest(method, template, routeValues, new Dictionary<string, string>(), new Dictionary<string, string>(),
            System.Text.Encoding.UTF8.GetBytes(body), "tester"), CancellationToken.None);
}

public sealed class FakeCameras : ICameraDirectory
{
    private readonly Lock _lock = new();
    private readonly List<Action<IReadOnlyList<CameraInfo>>> _watchers = [];
    private List<CameraInfo> _cameras = [];
    private readonly ConcurrentQueue<(string Id, string Uri)> _streamUris = new();

    public IReadOnlyList<(string Id, string Uri)> StreamUrisSet => _streamUris.ToArray();
    public int Watchers { get { lock (_lock) return _watchers.Count; } }

    public IReadOnlyList<CameraInfo> List() { lock (_lock) return _cameras.ToList(); }

    public void Set(params CameraInfo[] cameras)
    {
        Action<IReadOnlyList<CameraInfo>>[] watchers;
        lock (_lock) { _cameras = cameras.ToList(); watchers = _watchers.ToArray(); }
        foreach (var w in watchers) w(cameras);
    }

    public IDisposable Watch(Action<IReadOnlyList<CameraInfo>> onChanged)
    {
        lock (_lock) _watchers.Add(onChanged);
        onChanged(List());
        return new Unwatch(() => { lock (_lock) _watchers.Remove(onChanged); });
    }

    public Task SetStreamUriAsync(string cameraId, string streamUri, CancellationToken cancellationToken = default)
    {
        _streamUris.Enqueue((cameraId, streamUri));
        List<CameraInfo> updated;
        lock (_lock) updated = _cameras.Select(c => c.Id == cameraId ? c with { StreamUri = streamUri } : c).ToList();
        Set(updated.ToArray());
        return Task.CompletedTask;
    }

    public void ReportStreamHealth(string cameraId, StreamHealth health) { }

    private readonly ConcurrentQueue<(string Id, string Uri)> _subStreamUris = new();
    public IReadOnlyList<(string Id, string Uri)> SubStreamUrisSet => _subStreamUris.ToArray();

    public Task SetSubStreamUriAsync(string cameraId, string streamUri, CancellationToken cancellationToken = default)
    {
        _subStreamUris.Enqueue((cameraId, streamUri));
        List<CameraInfo> updated;
        lock (_lock) updated = _cameras.Select(c => c.Id == cameraId && c.Overrides.SubStreamUri is null ? c with { Overrides = c.Overrides with { SubStreamUri = streamUri } } : c).ToList();
        Set(updated.ToArray());
        return Task.CompletedTask;
    }

    private sealed class Unwatch(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}

