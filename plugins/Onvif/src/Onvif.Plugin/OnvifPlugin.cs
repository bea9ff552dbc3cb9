using System.Net.NetworkInformation;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Onvif.Plugin.Cameras;
using Appliance.Plugins.Onvif.Plugin.Discovery;
using Appliance.Plugins.Onvif.Plugin.Facade;
using Appliance.Plugins.Onvif.Plugin.Routes;
using Appliance.Plugins.Onvif.Protocol.Discovery;
using Appliance.Plugins.Onvif.Protocol.Mdns;

namespace Appliance.Plugins.Onvif.Plugin;

/// <summary>
/// The ONVIF plugin: WS-Discovery and mDNS discovery (periodic and on <see cref="DiscoveryRequested"/>), stream URI
/// resolution and PullPoint events for every ONVIF camera in the inventory, PTZ routes, health per camera; and the ONVIF
/// device facade (<see cref="OnvifFacade"/>), through which a VMS finds the appliance and sees every camera as a channel.
/// </summary>
public sealed class OnvifPlugin(Func<IReadOnlyList<NetworkInterface>> interfaces) : IPlugin
{
    private readonly List<IDisposable> _subscriptions = [];

    public OnvifPlugin() : this(NetworkInterface.GetAllNetworkInterfaces) { }
    private HttpClient? _http;

    // The HttpClient is disposed by the "cameras" background loop when it ends (after every session unsubscribed).

    /// <summary>The facade's port once started (tests bind port 0), or null when the facade is off.</summary>
    internal int? FacadePort { get; private set; }

    public async Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var settings = OnvifSettings.From(context.Config);
        var facadeSettings = FacadeSettings.From(context.Config);
        if (!facadeSettings.TryGetValue(out var facadeConfig, out var facadeError))
            throw new InvalidOperationException($"appliance.onvif configuration: {facadeError}");
        var facade = facadeConfig.Enabled ? OnvifFacade.Start(context, facadeConfig, interfaces, _subscriptions) : null;
        FacadePort = facade?.Listener.Port;
        _http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            UseProxy = false,
            AllowAutoRedirect = false,
        })
        { Timeout = Timeout.InfiniteTimeSpan };

        var announce = facade is not null && facadeConfig.WsDiscovery;
        if (settings.WsDiscovery || settings.Mdns || announce)
        {
            var discovery = new DiscoveryService(context.Events, context.Logger, context.Time, settings.DiscoveryInterval);
            if (settings.WsDiscovery || announce)
            {
                // One loop and one pair of sockets on UDP 3702: camera discovery (Probe out) and the facade (Hello, Bye, ProbeMatches).
                var ws = new WsDiscoveryLoop(discovery,
                    () => MulticastBinding.IPv4(context.Sockets, WsDiscoveryMessages.Port, WsDiscoveryMessages.MulticastIPv4),
                    () => MulticastBinding.IPv6(context.Sockets, WsDiscoveryMessages.Port, WsDiscoveryMessages.MulticastIPv6, interfaces()),
                    context.Logger, context.Health, context.Time, announce ? facade!.Target : null, probe: settings.WsDiscovery,
                    ipv6Interfaces: () => MulticastBinding.IPv6Candidates(interfaces()).Select(c => c.Index).ToHashSet());
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
            _subscriptions.Add(context.Events.Subscribe("discovery-requests", [nameof(DiscoveryRequested)], (envelope, ct) =>
                envelope.TryGet<DiscoveryRequested>(out var request)
                    ? discovery.RequestedRoundAsync($"requested by {request!.RequestedBy}", ct)
                    : Task.CompletedTask));
        }

        var http = _http;
        var pins = new CertificatePins(context.DataDirectory, context.Logger);
        var cameras = new CameraManager(context, http, settings.PullPoint, pins);
        context.RunBackground("cameras", async stop =>
        {
            try { await cameras.RunAsync(stop).ConfigureAwait(false); }
            finally { http.Dispose(); }
        });
        _subscriptions.Add(context.Cameras.Watch(cameras.Update));
        new PtzRoutes(cameras).Map(context.Routes);
        new CertificateRoutes(pins, cameras).Map(context.Routes);
        new ProfilesRoute(() => _http, context.Time).Map(context.Routes);
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
