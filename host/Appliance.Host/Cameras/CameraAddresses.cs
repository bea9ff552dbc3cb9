using System.Globalization;
using Appliance.Host.Configuration;
using Appliance.Host.Plugins;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Cameras;

/// <summary>Where a VMS reaches one camera through the appliance: its RTSP URL on the RTSP server, the ONVIF device service.</summary>
/// <param name="RtspUrl">Null when the RTSP server plugin is not running.</param>
/// <param name="OnvifAddress">The appliance's ONVIF device service (one device, every camera a profile); null when the ONVIF plugin is not running.</param>
/// <param name="OnvifProfile">The camera's main profile token in that device.</param>
public sealed record CameraAddress(string Id, string Name, bool Enabled, string? RtspUrl, string? OnvifAddress, string OnvifProfile);

/// <summary>
/// The one place that computes the addresses of every camera for the API (<c>GET /api/v1/cameras/urls</c>), the portal's
/// camera page and <c>appliancectl cameras urls</c>. Host: <c>network.publicAddress</c>, else the host the client used.
/// Ports: the running plugins' resolved footprint (RTSP server <c>port</c>, ONVIF <c>facade.port</c>), so they follow
/// the plugins' configuration. Paths: <c>rtsp://host:port/camera/{id}</c> as the RTSP server publishes hub streams,
/// <c>http://host:port/onvif/device_service</c> and profile <c>p_{id}</c> as the ONVIF facade names them.
/// </summary>
public sealed class CameraAddresses(CameraStore cameras, PluginManager plugins, IOptionsMonitor<ApplianceOptions> options)
{
    public const string RtspServerPlugin = "appliance.rtsp-server";
    public const string OnvifPlugin = "appliance.onvif";

    public IReadOnlyList<CameraAddress> List(string? requestHost)
    {
        var host = Bracketed(string.IsNullOrWhiteSpace(options.CurrentValue.Network.PublicAddress) ? requestHost : options.CurrentValue.Network.PublicAddress);
        var rtspPort = InboundTcpPort(RtspServerPlugin, "port");
        var onvifPort = InboundTcpPort(OnvifPlugin, "facade.port");
        var onvif = host is null || onvifPort is null ? null : string.Create(CultureInfo.InvariantCulture, $"http://{host}:{onvifPort}/onvif/device_service");
        return cameras.List().Select(c => new CameraAddress(
            c.Id, c.Name, c.Enabled,
            host is null || rtspPort is null ? null : string.Create(CultureInfo.InvariantCulture, $"rtsp://{host}:{rtspPort}/camera/{c.Id}"),
            onvif,
            "p_" + c.Id)).ToList();
    }

    /// <summary>The inbound TCP port a running plugin declared under <paramref name="configKey"/>, as configured.</summary>
    private int? InboundTcpPort(string pluginId, string configKey)
    {
        if (plugins.Get(pluginId) is not { State: PluginState.Running } status) return null;
        var line = status.Network.FirstOrDefault(n => n.Direction == "in" && n.Transport == "tcp" && n.ConfigKey == configKey);
        return line is not null && int.TryParse(line.Port, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;
    }

    /// <summary>An IPv6 literal in brackets for a URL; names and IPv4 addresses as they are.</summary>
    private static string? Bracketed(string? host)
    {
        if (string.IsNullOrWhiteSpace(host)) return null;
        host = host.Trim();
        return host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
    }
}
