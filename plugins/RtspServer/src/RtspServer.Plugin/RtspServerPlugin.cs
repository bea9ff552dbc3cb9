using System.Collections.Concurrent;
using System.Net.Sockets;
using Appliance.Abstractions;
using Appliance.Plugins.Rtsp.Protocol.Server;

namespace Appliance.Plugins.RtspServer.Plugin;

/// <summary>
/// The RTSP server plugin: listens on the configured (declared) port, serves every hub stream by name, sweeps
/// sessions past their timeout. One task per connection, owned and awaited by the plugin; a failing connection
/// closes alone.
/// </summary>
public sealed class RtspServerPlugin : IPlugin
{
    private readonly ConcurrentDictionary<RtspConnection, Task> _connections = new();
    private readonly IRtspCredentialVerifier? _verifierOverride;
    private Socket? _listener;
    private CancellationTokenSource? _stopping;

    public RtspServerPlugin() : this(null)
    {
    }

    /// <summary>For tests: users to authenticate against instead of the host's.</summary>
    internal RtspServerPlugin(IRtspCredentialVerifier? verifier) => _verifierOverride = verifier;

    internal ServerMetrics Metrics { get; } = new();

    /// <summary>The port the server listens on (after binding).</summary>
    internal int Port { get; private set; }

    internal int OpenConnections => _connections.Count;

    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var parsed = RtspServerSettings.From(context.Config);
        if (!parsed.IsOk) throw new InvalidOperationException($"appliance.rtsp-server configuration: {parsed.Failure}");
        var settings = parsed.Value;
        var verifier = settings.RequireAuthentication ? _verifierOverride ?? new HostUserVerifier(context.Users, context.Logger) : null;
        var sessions = new RtspServerSessions(settings.MaxSessions);
        var authenticator = new RtspServerAuthenticator(verifier, RtspServerSettings.Realm, settings.AllowBasic, TimeSpan.FromMinutes(5), context.Time);
        var udp = new UdpPortPairs(context.Sockets, settings.BindAddress, settings.UdpFirstPort, settings.UdpLastPort);
        var backend = new HubBackend(context.Streams, udp, settings, context.Time, Metrics);
        var handler = new RtspRequestHandler(new RtspServerOptions(settings.SessionTimeout), sessions, backend, authenticator, context.Time);

        _listener = context.Sockets.ListenTcp(settings.Port, settings.BindAddress, backlog: 512);
        Port = ((System.Net.IPEndPoint)_listener.LocalEndPoint!).Port;
        _stopping = new CancellationTokenSource();
        var listener = _listener;
        var stopping = _stopping.Token;
        context.RunBackground("rtsp-server accept", ct => AcceptLoopAsync(listener, handler, sessions, settings, context, ct));
        context.RunBackground("rtsp-server session timeouts", ct => SweepLoopAsync(handler, context, ct));
        context.Logger.Info("RTSP server listening on port {Port} (authentication {Auth})", Port, settings.RequireAuthentication ? "digest" : "none");
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping?.Cancel();
        _listener?.Dispose();
        foreach (var connection in _connections.Keys) connection.Close();
        await Task.WhenAll(_connections.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
        _stopping?.Dispose();
        _stopping = null;
        _listener = null;
    }

    private async Task AcceptLoopAsync(Socket listener, RtspRequestHandler handler, RtspServerSessions sessions, RtspServerSettings settings,
        IPluginContext context, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, _stopping!.Token);
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                continue;
            }
            if (_connections.Count >= settings.MaxConnections)
            {
                Metrics.ConnectionRefused();
                socket.Dispose();
                continue;
            }
            Metrics.ConnectionOpened();
            var connection = new RtspConnection(socket, handler, sessions, settings, context.Logger, context.Time);
            var token = stop.Token;
            _connections[connection] = Task.Run(async () =>
            {
                try
                {
                    await connection.RunAsync(token).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    context.Logger.Error(e, "RTSP client {Client}: connection failed", connection.Remote);
                }
                finally
                {
                    _connections.TryRemove(connection, out _);
                }
            }, CancellationToken.None);
        }
    }

    private static async Task SweepLoopAsync(RtspRequestHandler handler, IPluginContext context, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), context.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                var expired = handler.ExpireSessions();
                if (expired > 0) context.Logger.Info("RTSP server: {Count} session(s) timed out", expired);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
