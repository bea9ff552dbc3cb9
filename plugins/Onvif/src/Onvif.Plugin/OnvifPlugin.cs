using System.Net;
using System.Net.Sockets;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Onvif.Plugin.Cameras;
using Appliance.Plugins.Onvif.Plugin.Discovery;
using Appliance.Plugins.Onvif.Plugin.Routes;
using Appliance.Plugins.Onvif.Protocol.Discovery;
using Appliance.Plugins.Onvif.Protocol.Mdns;

namespace Appliance.Plugins.Onvif.Plugin;

/// <summary>
/// The ONVIF plugin: WS-Discovery and mDNS discovery (periodic and on <see cref="DiscoveryRequested"/>), stream URI
/// resolution and PullPoint events for every ONVIF camera in the inventory, PTZ routes, health per camera.
/// </summary>
public sealed class OnvifPlugin : IPlugin
{
    private readonly List<IDisposable> _subscriptions = [];
    private HttpClient? _http;

    // The HttpClient is disposed by the "cameras" background loop when it ends (after every session unsubscribed).

    public async Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var settings = OnvifSettings.From(context.Config);
        _http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            UseProxy = false,
            AllowAutoRedirect = false,
        }) { Timeout = Timeout.InfiniteTimeSpan };

        if (settings.WsDiscovery || settings.Mdns)
        {
            var discovery = new DiscoveryService(context.Events, context.Logger, context.Time, settings.DiscoveryInterval);
            if (settings.WsDiscovery)
            {
                var ws = new WsDiscoveryLoop(discovery, () => BindMulticast(context, WsDiscoveryMessages.Port, WsDiscoveryMessages.MulticastIPv4),
                    context.Logger, context.Health, context.Time);
                context.RunBackground("ws-discovery", ws.RunAsync);
            }
            if (settings.Mdns)
            {
                var mdns = new MdnsLoop(discovery, () => BindMulticast(context, MdnsClient.Port, MdnsClient.MulticastIPv4),
                    context.Logger, context.Health, context.Time);
                context.RunBackground("mdns", mdns.RunAsync);
            }
            context.RunBackground("discovery-timer", discovery.RunTimerAsync);
            _subscriptions.Add(context.Events.Subscribe("discovery-requests", [nameof(DiscoveryRequested)], (envelope, _) =>
            {
                if (envelope.TryGet<DiscoveryRequested>(out var request))
                    discovery.RequestRound($"requested by {request!.RequestedBy}");
                return Task.CompletedTask;
            }));
        }

        var http = _http;
        var cameras = new CameraManager(context, http, settings.PullPoint);
        context.RunBackground("cameras", async stop =>
        {
            try { await cameras.RunAsync(stop).ConfigureAwait(false); }
            finally { http.Dispose(); }
        });
        _subscriptions.Add(context.Cameras.Watch(cameras.Update));
        new PtzRoutes(cameras).Map(context.Routes);
        context.Logger.Info("onvif: started (ws-discovery {Ws}, mdns {Mdns}, every {Interval}s, pull-point events {PullPoint})",
            settings.WsDiscovery, settings.Mdns, settings.DiscoveryInterval.TotalSeconds, settings.PullPoint);
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var s in _subscriptions) s.Dispose();
        _subscriptions.Clear();
        _http = null;
        return Task.CompletedTask;
    }

    /// <summary>
    /// An IPv4 UDP socket on a discovery port (the host's declared-socket factory binds with SO_REUSEADDR, so avahi-daemon
    /// or wsdd on the same machine can share it), joined to the group after binding, multicast TTL 1 (link-local scope).
    /// </summary>
    private static Socket BindMulticast(IPluginContext context, int port, string group)
    {
        var socket = context.Sockets.BindUdp(port, IPAddress.Any);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(IPAddress.Parse(group)));
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 1);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
