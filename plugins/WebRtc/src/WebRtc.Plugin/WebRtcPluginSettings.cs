using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.WebRtc.Protocol.Session;
using Appliance.Plugins.WebRtc.Protocol.Turn;

namespace Appliance.Plugins.WebRtc.Plugin;

/// <summary>The plugin's configuration (see plugin.json), read from the host's validated, defaulted section.</summary>
public sealed record WebRtcPluginSettings(UdpPortRange Ports, IReadOnlyList<IPAddress> HostAddresses, int MaxSessions, TimeSpan ConsentTimeout, IReadOnlyList<IceServer> IceServers)
{
    public static Result<WebRtcPluginSettings> From(JsonElement config)
    {
        var ports = new UdpPortRange(52000, 52999);
        var addresses = new List<IPAddress>();
        var maxSessions = 32;
        var consent = TimeSpan.FromSeconds(30);
        IReadOnlyList<IceServer> iceServers = [];
        if (config.ValueKind == JsonValueKind.Object)
        {
            if (config.TryGetProperty("udpPortRange", out var r) && r.ValueKind == JsonValueKind.String)
            {
                var parsed = UdpPortRange.Parse(r.GetString()!);
                if (!parsed.TryGetValue(out ports, out var failure)) return failure;
            }
            if (config.TryGetProperty("hostAddresses", out var h) && h.ValueKind == JsonValueKind.String)
            {
                foreach (var text in h.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!IPAddress.TryParse(text, out var a)) return Result<WebRtcPluginSettings>.Fail("malformed", $"hostAddresses: '{text}' is not an IP address");
                    addresses.Add(a);
                }
            }
            if (config.TryGetProperty("maxSessions", out var m) && m.TryGetInt32(out var max)) maxSessions = max;
            if (config.TryGetProperty("consentTimeoutSeconds", out var c) && c.TryGetDouble(out var seconds)) consent = TimeSpan.FromSeconds(seconds);
            if (config.TryGetProperty("iceServers", out var servers) && servers.ValueKind != JsonValueKind.Null)
            {
                var parsed = IceServerSettings.Parse(servers);
                if (!parsed.TryGetValue(out iceServers, out var failure)) return failure;
            }
        }
        if (addresses.Count == 0) addresses.AddRange(MachineAddresses());
        return new WebRtcPluginSettings(ports, addresses, maxSessions, consent, iceServers);
    }

    /// <summary>Up, non-loopback IPv4 addresses of the machine; 127.0.0.1 when there is none.</summary>
    private static IEnumerable<IPAddress> MachineAddresses()
    {
        var found = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork)
            .ToList();
        return found.Count > 0 ? found : [IPAddress.Loopback];
    }
}
