using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Media;
using Appliance.Abstractions.Services;

namespace Appliance.Plugins.RtspServer.Plugin.Tests;

/// <summary>
/// A minimal host for one plugin: the given (shared) stream hub and camera list, sockets only for declared ports,
/// background loops on the thread pool (a failing loop is recorded), a log in memory.
/// </summary>
public sealed class ServerContext : IPluginContext, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentBag<Task> _loops = new();

    public ServerContext(string pluginId, string configJson, IStreamHub hub, ICameraDirectory cameras, IReadOnlyList<DeclaredPort> declared, IUserVerifier? users = null)
    {
        PluginId = pluginId;
        Config = JsonDocument.Parse(configJson).RootElement.Clone();
        Streams = hub;
        Cameras = cameras;
        Sockets = new LoopbackSockets(declared);
        _users = users;
        DataDirectory = Directory.CreateTempSubdirectory("appl-rtsp-server-test-").FullName;
    }

    private readonly IUserVerifier? _users;

    public string PluginId { get; }
    public JsonElement Config { get; }
    public MemoryLog Log { get; } = new();
    public IPluginLogger Logger => Log;
    public string DataDirectory { get; }
    public IEventBus Events { get; } = new NoEvents();
    public IHealthReporter Health { get; } = new NoHealth();
    public IRouteRegistry Routes { get; } = new NoRoutes();
    public IDeclaredSockets Sockets { get; }
    public IStreamHub Streams { get; }
    public ICameraDirectory Cameras { get; }
    public TimeProvider Time => TimeProvider.System;
    public IUserVerifier Users => _users ?? throw new NotSupportedException("no users in this test");
    public ConcurrentQueue<Exception> BackgroundFailures { get; } = new();

    public void RunBackground(string name, Func<CancellationToken, Task> loop) =>
        _loops.Add(Task.Run(async () =>
        {
            try { await loop(_stopping.Token); }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested) { }
            catch (Exception e) { BackgroundFailures.Enqueue(new InvalidOperationException($"background loop {name} failed", e)); }
        }));

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(30));
        try { Directory.Delete(DataDirectory, true); } catch (IOException) { }
    }
}

public sealed class MemoryLog : IPluginLogger
{
    public ConcurrentQueue<string> Lines { get; } = new();
    public bool IsEnabled(PluginLogLevel level) => true;
    public void Log(PluginLogLevel level, Exception? exception, string messageTemplate, params object?[] args) =>
        Lines.Enqueue($"{level}: {messageTemplate} [{string.Join(", ", args)}] {exception}");
}

/// <summary>Sockets on 127.0.0.1 for declared ports only (as the host's factory does).</summary>
public sealed class LoopbackSockets(IReadOnlyList<DeclaredPort> declared) : IDeclaredSockets
{
    public IReadOnlyList<DeclaredPort> Declared => declared;

    public Socket ListenTcp(int port, IPAddress? address = null, int backlog = 128)
    {
        Check(SocketTransport.Tcp, port);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address ?? IPAddress.Loopback, port));
        socket.Listen(backlog);
        return socket;
    }

    public Socket BindUdp(int port, IPAddress? address = null)
    {
        Check(SocketTransport.Udp, port);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(address ?? IPAddress.Loopback, port));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private void Check(SocketTransport transport, int port)
    {
        if (!declared.Any(d => d.Transport == transport && port >= d.FromPort && port <= d.ToPort))
            throw new UndeclaredPortException($"{transport} port {port} is not declared");
    }
}

internal sealed class NoEvents : IEventBus
{
    public Task<EventEnvelope> PublishAsync<TEvent>(TEvent @event, CancellationToken cancellationToken = default) where TEvent : class, IApplianceEvent =>
        Task.FromResult(new EventEnvelope(1, Guid.NewGuid(), typeof(TEvent).Name, @event.Category, "test", DateTimeOffset.UtcNow,
            JsonSerializer.SerializeToElement(@event, EventEnvelope.SerializerOptions)));

    public IDisposable Subscribe(string subscription, IReadOnlyCollection<string> types, Abstractions.Events.EventHandler handler) =>
        throw new NotSupportedException();
}

internal sealed class NoHealth : IHealthReporter
{
    public void Report(string component, HealthState state, string message) { }
    public void Clear(string component) { }
}

internal sealed class NoRoutes : IRouteRegistry
{
    public void Map(string method, string template, PluginRequestHandler handler) { }
}

/// <summary>A fixed camera list.</summary>
public sealed class FixedCameras(params CameraInfo[] cameras) : ICameraDirectory
{
    public IReadOnlyList<CameraInfo> List() => cameras;

    public IDisposable Watch(Action<IReadOnlyList<CameraInfo>> onChanged)
    {
        onChanged(cameras);
        return new Nothing();
    }

    public Task SetStreamUriAsync(string cameraId, string streamUri, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public void ReportStreamHealth(string cameraId, StreamHealth health) { }

    private sealed class Nothing : IDisposable { public void Dispose() { } }
}
