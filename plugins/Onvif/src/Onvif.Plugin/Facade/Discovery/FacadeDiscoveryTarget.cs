using System.Xml.Linq;
using Appliance.Plugins.Onvif.Plugin.Cameras;
using Appliance.Plugins.Onvif.Plugin.Discovery;
using Appliance.Plugins.Onvif.Protocol.Discovery;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Plugin.Facade.Discovery;

/// <summary>
/// The appliance as an ONVIF NetworkVideoTransmitter on WS-Discovery: a stable endpoint reference, ONVIF scopes
/// (<c>type</c>, <c>Profile/Streaming</c>, <c>name</c>, <c>hardware</c>, <c>location</c>) and the device service address on
/// each of the appliance's addresses (read at each message: addresses may change). ProbeMatches are rate-limited
/// (10/s, burst 20, the rest dropped and counted): a Probe is small and its answer is not, and its source address can be
/// forged, so the appliance must not become an amplifier on the site network.
/// </summary>
public sealed class FacadeDiscoveryTarget(string endpointReference, FacadeSettings settings, Func<IReadOnlyList<string>> deviceServiceUris, TimeProvider time)
    : IWsDiscoveryTarget
{
    public static readonly XName DeviceType = Ns.Tds + "Device";

    private readonly string _instanceId = time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
    private long _messageNumber;
    private readonly EventRateLimiter _answers = new(time, perSecond: 10, burst: 20);

    /// <summary>Probes that selected the appliance but got no answer because the answer budget was spent.</summary>
    public long ProbesDropped { get { lock (_answers) return _answers.Dropped; } }

    public string EndpointReference => endpointReference;

    public TargetService Service => new(endpointReference, [WsDiscoveryMessages.NetworkVideoTransmitter, DeviceType], Scopes(settings), deviceServiceUris(), 1);

    public static IReadOnlyList<string> Scopes(FacadeSettings settings) =>
    [
        "onvif://www.onvif.org/type/video_encoder",
        "onvif://www.onvif.org/type/Network_Video_Transmitter",
        "onvif://www.onvif.org/Profile/Streaming",
        "onvif://www.onvif.org/name/" + Uri.EscapeDataString(settings.Name),
        "onvif://www.onvif.org/hardware/Appliance",
        .. settings.Location.Length > 0 ? ["onvif://www.onvif.org/location/" + Uri.EscapeDataString(settings.Location)] : Array.Empty<string>(),
    ];

    public byte[] Hello() => WsDiscoveryTargetMessages.Hello(Service, Interlocked.Increment(ref _messageNumber), _instanceId);

    public byte[] Bye() => WsDiscoveryTargetMessages.Bye(Service, Interlocked.Increment(ref _messageNumber), _instanceId);

    public byte[]? Answer(Probe probe)
    {
        var service = Service;
        if (!WsDiscoveryTargetMessages.Matches(service, probe.Types) || service.XAddrs.Count == 0) return null;
        lock (_answers)
            if (!_answers.TryTake()) return null;
        return WsDiscoveryTargetMessages.ProbeMatches(service, probe.MessageId, Interlocked.Increment(ref _messageNumber), _instanceId);
    }

    /// <summary>The endpoint reference kept in the plugin's data directory, so a VMS recognises the appliance after a restart.</summary>
    public static string LoadOrCreateEndpointReference(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "facade-endpoint-reference.txt");
        if (File.Exists(path))
        {
            var kept = File.ReadAllText(path).Trim();
            if (kept.StartsWith("urn:uuid:", StringComparison.Ordinal) && Guid.TryParse(kept["urn:uuid:".Length..], out _)) return kept;
        }
        var created = "urn:uuid:" + Guid.NewGuid().ToString("D");
        Directory.CreateDirectory(dataDirectory);
        File.WriteAllText(path, created);
        return created;
    }
}
