using Appliance.Plugins.Onvif.Protocol.Discovery;

namespace Appliance.Plugins.Onvif.Plugin.Discovery;

/// <summary>
/// The appliance as a WS-Discovery target service (the ONVIF facade): what the discovery loop sends for it on the
/// sockets it already holds.
/// </summary>
public interface IWsDiscoveryTarget
{
    /// <summary>The appliance's endpoint reference (<c>urn:uuid:…</c>), so its own announcements are not taken for a camera.</summary>
    string EndpointReference { get; }

    byte[] Hello();

    byte[] Bye();

    /// <summary>ProbeMatches for a Probe that selects the appliance, else null.</summary>
    byte[]? Answer(Probe probe);
}
