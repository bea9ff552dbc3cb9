using System.Text.Json.Nodes;

namespace Appliance.Portal.Tests.Support;

/// <summary>
/// Plugin configuration for portal hosts that run the ONVIF plugin without sending anything beyond loopback: its camera
/// discovery (WS-Discovery, mDNS) off, its VMS facade either off or on 127.0.0.1 next to the RTSP server plugin.
/// </summary>
public static class QuietOnvif
{
    /// <summary>No discovery, no facade: the plugin only talks to the cameras it is asked about.</summary>
    public static JsonObject WithoutFacade() => new()
    {
        ["appliance.onvif"] = new JsonObject
        {
            ["discovery"] = Silent(),
            ["facade"] = new JsonObject { ["enabled"] = false },
        },
    };

    /// <summary>No discovery; the facade on 127.0.0.1:<paramref name="facadePort"/> naming the RTSP server plugin's <paramref name="rtspPort"/>.</summary>
    public static JsonObject WithFacade(int facadePort, int rtspPort) => new()
    {
        ["appliance.onvif"] = new JsonObject
        {
            ["discovery"] = Silent(),
            ["facade"] = new JsonObject { ["port"] = facadePort, ["bindAddress"] = "127.0.0.1", ["rtspPort"] = rtspPort, ["wsDiscovery"] = false },
        },
        ["appliance.rtsp-server"] = new JsonObject { ["port"] = rtspPort },
    };

    private static JsonObject Silent() => new() { ["wsDiscovery"] = false, ["mdns"] = false };
}
