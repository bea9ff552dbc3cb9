using System.Net;
using System.Net.Sockets;
using Appliance.Abstractions;
using Appliance.Isolation.Wire;

namespace Appliance.PluginHost;

/// <summary>Logs go to the host's logger (journald in production), with the child's exception as text.</summary>
internal sealed class RemoteLogger(HostLink host) : IPluginLogger
{
    public bool IsEnabled(PluginLogLevel level) => level >= PluginLogLevel.Debug;

    public void Log(PluginLogLevel level, Exception? exception, string messageTemplate, params object?[] args) =>
        host.Notify(Ops.Log, new LogArgs(level, messageTemplate, args.Select(a => a?.ToString()).ToArray(), exception?.ToString()));
}

internal sealed class RemoteHealth(HostLink host) : IHealthReporter
{
    public void Report(string component, HealthState state, string message) =>
        host.Notify(Ops.HealthReport, new HealthArgs(component, state, message));

    public void Clear(string component) => host.Notify(Ops.HealthClear, new ComponentArgs(component));
}

/// <summary>The host authorises each port against the manifest (as it does for in-process plugins); then the child binds.</summary>
internal sealed class RemoteSockets(HostLink host, IReadOnlyList<DeclaredPort> declared) : IDeclaredSockets
{
    public IReadOnlyList<DeclaredPort> Declared => declared;

    public Socket ListenTcp(int port, IPAddress? address = null, int backlog = 128)
    {
        host.Call(Ops.AuthorizeSocket, new SocketArgs(SocketTransport.Tcp, port));
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address ?? IPAddress.Any, port));
            socket.Listen(backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public Socket BindUdp(int port, IPAddress? address = null)
    {
        host.Call(Ops.AuthorizeSocket, new SocketArgs(SocketTransport.Udp, port));
        var socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
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

/// <summary>The camera list as last pushed by the host; watchers are called on every push.</summary>
internal sealed class RemoteCameras(HostLink host, IReadOnlyList<CameraInfo> initial) : ICameraDirectory
{
    private readonly object _gate = new();
    private readonly List<Action<IReadOnlyList<CameraInfo>>> _watchers = [];
    private IReadOnlyList<CameraInfo> _cameras = initial;

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

    public Task SetStreamUriAsync(string cameraId, string streamUri, CancellationToken cancellationToken = default) =>
        host.CallAsync(Ops.SetStreamUri, new StreamUriArgs(cameraId, streamUri), cancellationToken);

    public void ReportStreamHealth(string cameraId, StreamHealth health) =>
        host.Notify(Ops.ReportStreamHealth, new StreamHealthArgs(cameraId, health));

    public void Changed(IReadOnlyList<CameraInfo> cameras)
    {
        Action<IReadOnlyList<CameraInfo>>[] watchers;
        lock (_gate)
        {
            _cameras = cameras;
            watchers = _watchers.ToArray();
        }
        foreach (var w in watchers) w(cameras);
    }

    private sealed class Unwatch(RemoteCameras owner, Action<IReadOnlyList<CameraInfo>> watcher) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate) owner._watchers.Remove(watcher);
        }
    }
}
