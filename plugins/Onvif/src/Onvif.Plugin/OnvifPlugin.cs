using System.Net.NetworkInformation;
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
public sealed class OnvifPlugin(Func<IReadOnlyList<NetworkInterface>> interfaces) : IPlugin
{
    private readonly List<IDisposable> _subscriptions = [];

    public OnvifPlugin() : this(NetworkInterface.GetAllNetworkInterfaces) { }
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
                var ws = new WsDiscoveryLoop(discovery,
                    () => MulticastBinding.IPv4(context.Sockets, WsDiscoveryMessages.Port, WsDiscoveryMessages.MulticastIPv4),
                    () => MulticastBinding.IPv6(context.Sockets, WsDiscoveryMessages.Port, WsDiscoveryMessages.MulticastIPv6, interfaces()),
                    context.Logger, context.Health, context.Time);
                context.RunBackground("ws-discovery", ws.RunAsync);
            }
            if (settings.Mdns)
            {
                var mdns = new MdnsLoop(discovery,
                    () => MulticastBinding.IPv4(context.Sockets, MdnsClient.Port, MdnsClient.MulticastIPv4),
                    () => MulticastBinding.IPv6(context.Sockets, MdnsClient.Port, MdnsClient.MulticastIPv6, interfaces()),
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
}
