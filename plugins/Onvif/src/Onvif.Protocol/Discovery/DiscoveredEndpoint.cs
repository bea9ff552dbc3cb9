using System.Net;

namespace Appliance.Plugins.Onvif.Protocol.Discovery;

/// <summary>
/// What one discovery source knows about one device: a WS-Discovery target service (keyed by endpoint reference)
/// or a DNS-SD service instance (keyed by instance name). <see cref="IpAddresses"/> is what merging compares.
/// </summary>
public sealed record DiscoveredEndpoint(
    string Key,
    string Source,
    IReadOnlyList<string> Addresses,
    IReadOnlyList<IPAddress> IpAddresses,
    IReadOnlyList<string> Types,
    string? Name,
    string? Hardware,
    string? Location,
    IReadOnlyDictionary<string, string> Attributes,
    DateTimeOffset SeenAt)
{
    /// <summary>Who sent the announcement (the datagram's source address), when known; limits and Bye checks use it.</summary>
    public IPAddress? Sender { get; init; }

    public const string WsDiscoverySource = "ws-discovery";
    public const string MdnsSource = "mdns";

    /// <summary>Same content, ignoring when it was seen (what "changed" means for publishing).</summary>
    public bool SameContentAs(DiscoveredEndpoint other) =>
        Key == other.Key && Source == other.Source && Name == other.Name && Hardware == other.Hardware && Location == other.Location &&
        Addresses.SequenceEqual(other.Addresses) && Types.SequenceEqual(other.Types) &&
        IpAddresses.SequenceEqual(other.IpAddresses) &&
        Attributes.Count == other.Attributes.Count && Attributes.All(a => other.Attributes.TryGetValue(a.Key, out var v) && v == a.Value);

    /// <summary>A WS-Discovery target service as an endpoint: XAddrs, ONVIF scopes decoded, IP addresses taken from the XAddr hosts.</summary>
    public static DiscoveredEndpoint FromTargetService(TargetService service, DateTimeOffset seenAt)
    {
        var scopes = OnvifScopes.Parse(service.Scopes);
        var ips = service.XAddrs
            .Select(x => Uri.TryCreate(x, UriKind.Absolute, out var u) && IPAddress.TryParse(u.Host.Trim('[', ']'), out var ip) ? ip : null)
            .OfType<IPAddress>().Distinct().ToList();
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (service.Scopes.Count > 0) attributes["scopes"] = string.Join(' ', service.Scopes);
        if (scopes.Profiles.Count > 0) attributes["profiles"] = string.Join(',', scopes.Profiles);
        if (service.MetadataVersion is { } version) attributes["metadataVersion"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new DiscoveredEndpoint(service.EndpointReference, WsDiscoverySource, service.XAddrs, ips,
            service.Types.Select(TypeName).ToList(), scopes.Name, scopes.Hardware, scopes.Location, attributes, seenAt);
    }

    /// <summary><c>dn:NetworkVideoTransmitter</c> for ONVIF's namespace, <c>tds:Device</c> for the device service, else <c>{ns}Local</c>.</summary>
    private static string TypeName(System.Xml.Linq.XName name)
    {
        if (name.Namespace == Xml.Ns.Dn) return "dn:" + name.LocalName;
        if (name.Namespace == Xml.Ns.Tds) return "tds:" + name.LocalName;
        return name.Namespace == System.Xml.Linq.XNamespace.None ? name.LocalName : name.ToString();
    }
}
