using Appliance.Abstractions;
using Appliance.Plugins.WebRtc.Protocol.Dtls;
using Appliance.Plugins.WebRtc.Protocol.Session;
using Appliance.Plugins.WebRtc.Protocol.Whep;

namespace Appliance.Plugins.WebRtc.Plugin;

/// <summary>
/// The WebRTC plugin: one DTLS certificate per start, a WHEP service whose sessions bind media ports from the
/// declared range through the host's socket factory, and the routes. Sessions end at stop.
/// </summary>
public sealed class WebRtcPlugin : IPlugin
{
    private WhepService? _whep;

    public Task StartAsync(IPluginContext context, CancellationToken cancellationToken)
    {
        var parsed = WebRtcPluginSettings.From(context.Config);
        if (!parsed.TryGetValue(out var settings, out var failure)) throw new InvalidOperationException($"appliance.webrtc configuration: {failure}");
        var publicAddress = context.HostSettings.Current.PublicAddress is { } p && System.Net.IPAddress.TryParse(p, out var a) ? a : null;
        var options = new WebRtcSessionOptions(DtlsCertificate.Generate())
        {
            HostAddresses = settings.HostAddresses,
            PublicAddress = publicAddress,
            Ports = settings.Ports,
            BindUdp = (address, port) => context.Sockets.BindUdp(port, address),
            ConsentTimeout = settings.ConsentTimeout,
            IceServers = settings.IceServers,
            Time = context.Time,
        };
        var feeds = new StreamFeeds(context);
        _whep = new WhepService(feeds.Resolve, options, WhepRoutes.ResourcePrefix, settings.MaxSessions, feeds.TranscodedAsync);
        WhepRoutes.Map(context.Http, _whep);
        context.Logger.Info("WebRTC (WHEP) started: host candidates {Addresses}, UDP {First}-{Last}, ICE servers {Servers}", string.Join(", ", settings.HostAddresses),
            settings.Ports.First, settings.Ports.Last, settings.IceServers.Count == 0 ? "none" : string.Join(", ", settings.IceServers));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_whep is not null) await _whep.DisposeAsync();
        _whep = null;
    }
}
