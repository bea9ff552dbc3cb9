using System.Net.Sockets;
using System.Security.Cryptography;
using Appliance.Abstractions;
using Appliance.Isolation.Bridge;
using Appliance.Isolation.Wire;

namespace Appliance.Isolation.Supervision;

/// <summary>
/// One run of a plugin's child process: socket, handshake (token and peer credentials checked), the bridge, the
/// plugin's start, and a ping loop. <see cref="Ended"/> says why it ended: the process exited (with its signal),
/// the child broke the protocol, or stopped answering. Disposing kills the process group and releases everything
/// the child acquired on the host.
/// </summary>
internal sealed class PluginSession : IAsyncDisposable
{
    private readonly IPluginProcess _process;
    private readonly IsolationChannel _channel;
    private readonly HostBridge _bridge;
    private readonly RouteRelay _routes;
    private readonly string _socketPath;
    private readonly CancellationTokenSource _stop = new();

    private PluginSession(IPluginProcess process, IsolationChannel channel, HostBridge bridge, RouteRelay routes, string socketPath, SupervisorOptions options)
    {
        _process = process;
        _channel = channel;
        _bridge = bridge;
        _routes = routes;
        _socketPath = socketPath;
        Ended = WatchAsync(options);
    }

    public int Pid => _process.Pid;

    /// <summary>Why the session ended (completes once; never faults).</summary>
    public Task<string> Ended { get; }

    public static async Task<PluginSession> StartAsync(IsolatedPluginSpec spec, IPluginContext context, IPluginProcessLauncher launcher,
        SupervisorOptions options, RouteRelay routes, RingDirectory rings, CancellationToken cancellationToken)
    {
        var socketPath = Path.Combine(rings.FolderOf(spec.PluginId), $"control-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        listener.Listen(1);
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var phases = new StartPhases();
        var process = launcher.Launch(new PluginProcessStart(spec, socketPath, token, options));
        Socket? socket = null;
        IsolationChannel? channel = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.HandshakeTimeout);
            var accept = listener.AcceptAsync(timeout.Token).AsTask();
            var first = await Task.WhenAny(accept, process.Exited);
            if (first != accept)
                throw new IsolatedPluginException($"the plugin process {(await process.Exited)} before it connected");
            socket = await accept;
            phases.Reached("connected");
            var peer = PeerCredentials.Of(socket);
            if (peer.Pid != process.Pid)
                throw new IsolatedPluginException($"pid {peer.Pid} connected instead of the plugin process {process.Pid}");
            channel = new IsolationChannel(new NetworkStream(socket, ownsSocket: true), options.MaxFramePayload);
            var hello = await channel.HandshakeAsync(new Hello(Frame.ProtocolVersion, "host", Environment.ProcessId, spec.PluginId, ""), timeout.Token);
            if (!hello.TryGetValue(out var theirs, out var failure))
                throw new IsolatedPluginException($"handshake failed: {failure}");
            if (theirs.Role != "plugin-host" || theirs.Token != token || theirs.PluginId != spec.PluginId)
                throw new IsolatedPluginException("handshake failed: the peer is not the plugin host the host started (role, token or plugin id differ)");
            phases.Reached("handshake");
            var bridge = new HostBridge(context, channel, routes, rings);
            channel.Start(bridge);
            bridge.WatchCameras();
            var started = await channel.RequestAsync(Ops.Start,
                new StartArgs(spec.PluginId, context.Config, context.DataDirectory, context.Sockets.Declared, context.Cameras.List(), HttpBasePath(context)), timeout.Token);
            if (!started.IsOk)
            {
                await bridge.DisposeAsync();
                throw new IsolatedPluginException(started.Failure!.Message);
            }
            phases.Reached("started");
            context.Logger.Info("isolation: plugin process {Pid} {Phases}", process.Pid, phases.Describe());
            routes.Attach(bridge);
            return new PluginSession(process, channel, bridge, routes, socketPath, options);
        }
        catch (Exception ex)
        {
            process.Kill();
            if (channel is not null) await channel.DisposeAsync();
            else socket?.Dispose();
            process.Dispose();
            TryDelete(socketPath);
            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
                throw new IsolatedPluginException($"the plugin process did not connect and start within {options.HandshakeTimeout.TotalSeconds:0.#} s ({phases.Describe()})");
            if (ex is OperationCanceledException)
                throw new OperationCanceledException($"the start of the plugin process was cancelled ({phases.Describe()})", ex, cancellationToken);
            throw;
        }
    }

    /// <summary>The base path of the plugin's 1.1 routes, or null when the host has no 1.1 surface (a 1.0 test double).</summary>
    private static string? HttpBasePath(IPluginContext context)
    {
        try
        {
            return context.Http.BasePath;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Asks the plugin to stop (within the stop timeout), then ends the process.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _channel.RequestAsync(Ops.Stop, new { }, cts.Token);
            await _process.Exited.WaitAsync(TimeSpan.FromSeconds(1));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
        }
    }

    private async Task<string> WatchAsync(SupervisorOptions options)
    {
        var ping = PingLoopAsync(options);
        var which = await Task.WhenAny(_process.Exited, _channel.Closed, _bridge.Faulted, ping);
        if (which == _process.Exited) return $"{await _process.Exited}";
        if (which == _bridge.Faulted) return $"broke the contract: {await _bridge.Faulted}";
        if (which == ping) return await ping;
        // A protocol violation says the most; a closed connection: give the exit status a moment, it says more (e.g. the signal).
        var closed = await _channel.Closed;
        if (closed.Code is not ("closed" or "transport" or "truncated")) return $"broke the protocol: {closed}";
        var exited = await Task.WhenAny(_process.Exited, Task.Delay(500));
        return exited == _process.Exited ? $"{await _process.Exited}" : $"closed its connection ({await _channel.Closed})";
    }

    private async Task<string> PingLoopAsync(SupervisorOptions options)
    {
        try
        {
            while (true)
            {
                await Task.Delay(options.PingInterval, _stop.Token);
                var pong = await _channel.PingAsync(options.PingTimeout, _stop.Token);
                if (!pong.IsOk && !_stop.IsCancellationRequested)
                    return pong.Failure!.Code == "unresponsive" ? $"stopped answering ({pong.Failure.Message})" : $"lost its connection ({pong.Failure.Message})";
            }
        }
        catch (OperationCanceledException)
        {
            return "stopped";
        }
    }

    public async ValueTask DisposeAsync()
    {
        _routes.Attach(null);
        await _stop.CancelAsync();
        _process.Kill();
        await _channel.DisposeAsync();
        await _bridge.DisposeAsync();
        await ((Task)Ended).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _process.Dispose();
        _stop.Dispose();
        TryDelete(_socketPath);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
