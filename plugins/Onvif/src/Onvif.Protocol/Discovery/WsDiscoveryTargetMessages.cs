using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Soap;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Protocol.Discovery;

/// <summary>
/// The target-service side of WS-Discovery 2005/04 (what a device sends): Hello and Bye to the multicast group,
/// ProbeMatches unicast to a prober. The appliance speaks it when it answers as an ONVIF device (the facade).
/// </summary>
public static class WsDiscoveryTargetMessages
{
    public static byte[] Hello(TargetService service, long messageNumber, string instanceId) =>
        Build(WsDiscoveryMessages.HelloAction, null, WsDiscoveryMessages.DiscoveryTo, messageNumber, instanceId,
            new XElement(Ns.Discovery + "Hello", Describe(service)));

    public static byte[] Bye(TargetService service, long messageNumber, string instanceId) =>
        Build(WsDiscoveryMessages.ByeAction, null, WsDiscoveryMessages.DiscoveryTo, messageNumber, instanceId,
            new XElement(Ns.Discovery + "Bye", EndpointReference(service)));

    /// <summary>The answer to the Probe whose MessageID was <paramref name="relatesTo"/>.</summary>
    public static byte[] ProbeMatches(TargetService service, string? relatesTo, long messageNumber, string instanceId) =>
        Build(WsDiscoveryMessages.ProbeMatchesAction, relatesTo, WsDiscoveryMessages.AnonymousReplyTo, messageNumber, instanceId,
            new XElement(Ns.Discovery + "ProbeMatches", new XElement(Ns.Discovery + "ProbeMatch", Describe(service))));

    /// <summary>
    /// True when a Probe's types select this service: no types (every service matches) or each probed type is one of
    /// the service's (WS-Discovery 2005/04, section 5.3).
    /// </summary>
    public static bool Matches(TargetService service, IReadOnlyList<XName> probedTypes) =>
        probedTypes.All(t => service.Types.Contains(t));

    private static IEnumerable<XElement> Describe(TargetService service) =>
    [
        EndpointReference(service),
        new XElement(Ns.Discovery + "Types", string.Join(' ', service.Types.Select(Prefixed))),
        new XElement(Ns.Discovery + "Scopes", string.Join(' ', service.Scopes)),
        new XElement(Ns.Discovery + "XAddrs", string.Join(' ', service.XAddrs)),
        new XElement(Ns.Discovery + "MetadataVersion", service.MetadataVersion ?? 1),
    ];

    private static XElement EndpointReference(TargetService service) =>
        new(Ns.Wsa2004 + "EndpointReference", new XElement(Ns.Wsa2004 + "Address", service.EndpointReference));

    private static string Prefixed(XName type) =>
        type.Namespace == Ns.Dn ? "dn:" + type.LocalName : type.Namespace == Ns.Tds ? "tds:" + type.LocalName : type.LocalName;

    private static byte[] Build(string action, string? relatesTo, string to, long messageNumber, string instanceId, XElement body)
    {
        var headers = new List<XElement>
        {
            new(Ns.Wsa2004 + "Action", SoapEnvelope.MustUnderstand(), action),
            new(Ns.Wsa2004 + "MessageID", WsDiscoveryMessages.NewMessageId()),
        };
        if (relatesTo is not null) headers.Add(new XElement(Ns.Wsa2004 + "RelatesTo", relatesTo));
        headers.Add(new XElement(Ns.Wsa2004 + "To", SoapEnvelope.MustUnderstand(), to));
        headers.Add(new XElement(Ns.Discovery + "AppSequence", new XAttribute("InstanceId", instanceId), new XAttribute("MessageNumber", messageNumber)));
        var document = SoapEnvelope.Create(body, headers);
        document.Root!.Add(Ns.Declarations(("a", Ns.Wsa2004), ("d", Ns.Discovery), ("dn", Ns.Dn), ("tds", Ns.Tds)));
        return SoapEnvelope.Serialize(document);
    }
}
