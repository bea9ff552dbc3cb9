using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Media;
using Appliance.Streams;

namespace Appliance.Plugins.Rtsp.Plugin.Tests;

/// <summary>
/// A minimal host for the plugin under test: in-memory event bus and health, the real <see cref="StreamHub"/>,
/// a camera directory backed by a list, declared UDP ports, background loops on the thread pool.
/// </summary>
public sealed class TestPluginContext : IPluginContext, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentBag<Task> _loops = new();

    public TestPluginContext(string configJson = "{}", IReadOnlyList<DeclaredPort>? declared = null)
    {
        Config = JsonDocument.Parse(configJson).RootElement.Clone();
        Sockets = new TestSockets(declared ?? [new DeclaredPort(SocketTransport.Udp, 50000, 50999, "RTP/RTCP")]);
        DataDirectory = Directory.CreateTempSubdirectory("appl-rtsp-test-").FullName;
    }

    public string PluginId => "appliance.rtsp";
    public JsonElement Config { get; }
    public TestLogger Log { get; } = new();
    public IPluginLogger Logger => Log;
    public string DataDirectory { get; }
    public InMemoryEventBus Bus { get; } = new();
    public IEventBus Events => Bus;
    public HealthCollector HealthReports { get; } = new();
    public IHealthReporter Health => HealthReports;
    public IRouteRegistry Routes { get; } = new NoRoutes();
    public IDeclaredSockets Sockets { get; }
    public StreamHub Hub { get; } = new();
    public IStreamHub Streams => Hub;
    public ListCameraDirectory Directory_ { get; } = new();
    public ICameraDirectory Cameras => Directory_;
    public TimeProvider Time => TimeProvider.System;
    public ConcurrentQueue<Exception> BackgroundFailures { get; } = new();
    public int BackgroundLoops => _loops.Count;

    public void RunBackground(string name, Func<CancellationToken, Task> loop)
    {
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
    }

    /// <summary>True when every background loop has returned.</summary>
    public bool AllLoopsDone => _loops.All(t => t.IsCompleted);

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(30));
        try { Directory.Delete(DataDirectory, true); } catch (IOException) { }
    }
}

public sealed class TestLogger : IPluginLogger
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public bool IsEnabled(PluginLogLevel level) => true;

    public void Log(PluginLogLevel level, Exception? exception, string messageTemplate, params object?[] args) =>
        Lines.Enqueue($"{level}: {messageTemplate} [{string.Join(", ", args)}] {exception?.Message}");
}

public sealed class InMemoryEventBus : IEventBus
{
    private long _sequence;

    public ConcurrentQueue<IApplianceEvent> Published { get; } = new();

    public IReadOnlyList<T> Of<T>() where T : class, IApplianceEvent => Published.OfType<T>().ToList();

    public Task<EventEnvelope> PublishAsync<TEvent>(TEvent @event, CancellationToken cancellationToken = default) where TEvent : class, IApplianceEvent
    {
        Published.Enqueue(@event);
        var data = JsonSerializer.SerializeToElement(@event, EventEnvelope.SerializerOptions);
        return Task.FromResult(new EventEnvelope(Interlocked.Increment(ref _sequence), Guid.NewGuid(), typeof(TEvent).Name, @event.Category, "appliance.rtsp", DateTimeOffset.UtcNow, data));
    }

    public IDisposable Subscribe(string subscription, IReadOnlyCollection<string> types, Abstractions.Events.EventHandler handler) =>
        throw new NotSupportedException("the RTSP plugin only publishes");
}

public sealed class HealthCollector : IHealthReporter
{
    public ConcurrentDictionary<string, HealthReport> Latest { get; } = new();
    public ConcurrentQueue<string> Cleared { get; } = new();

    public void Report(string component, HealthState state, string message) =>
        Latest[component] = new HealthReport(component, state, message, DateTimeOffset.UtcNow);

    public void Clear(string component)
    {
        Latest.TryRemove(component, out _);
        Cleared.Enqueue(component);
    }
}

public sealed class ListCameraDirectory : ICameraDirectory
{
    private readonly object _gate = new();
    private readonly List<Action<IReadOnlyList<CameraInfo>>> _watchers = new();
    private IReadOnlyList<CameraInfo> _cameras = [];

    public ConcurrentDictionary<string, StreamHealth> Health { get; } = new();

    public int Watchers
    {
        get { lock (_gate) return _watchers.Count; }
    }

    public void Set(params CameraInfo[] cameras)
    {
        List<Action<IReadOnlyList<CameraInfo>>> watchers;
        lock (_gate)
        {
            _cameras = cameras;
            watchers = _watchers.ToList();
        }
        foreach (var w in watchers) w(cameras);
    }

    public IReadOnlyList<CameraInfo> List()
    {
        lock (_gate) return _cameras;
    }

    public IDisposable Watch(Action<IReadOnlyList<CameraInfo>> onChanged)
    {
        lock (_gate) _watchers.Add(onChanged);
        onChanged(List());
        return new Unwatch(this, onChanged);
    }

    public Task SetStreamUriAsync(string cameraId, string streamUri, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public void ReportStreamHealth(string cameraId, StreamHealth health) => Health[cameraId] = health;

    public ConcurrentDictionary<string, StreamHealth> SubHealth { get; } = new();

    public void ReportSubStreamHealth(string cameraId, StreamHealth health) => SubHealth[cameraId] = health;

    private sealed class Unwatch(ListCameraDirectory owner, Action<IReadOnlyList<CameraInfo>> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate) owner._watchers.Remove(handler);
        }
    }
}

public sealed class TestSockets(IReadOnlyList<DeclaredPort> declared) : IDeclaredSockets
{
    public IReadOnlyList<DeclaredPort> Declared => declared;

    public Socket ListenTcp(int port, IPAddress? address = null, int backlog = 128) => throw new UndeclaredPortException($"TCP port {port} is not declared");

    public Socket BindUdp(int port, IPAddress? address = null)
    {
        if (!declared.Any(d => d.Transport == SocketTransport.Udp && port >= d.FromPort && port <= d.ToPort))
            throw new UndeclaredPortException($"UDP port {port} is not in the manifest");
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(address ?? IPAddress.Any, port));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

internal sealed class NoRoutes : IRouteRegistry
{
    public void Map(string method, string template, PluginRequestHandler handler) { }
}
