using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Soap;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Protocol.Discovery;

/// <summary>
/// WS-Discovery, April 2005 (the version ONVIF Core, "Discovery", mandates): SOAP-over-UDP on port 3702,
/// multicast 239.255.255.250 / [ff02::c]; addressing is WS-Addressing 2004/08.
/// </summary>
public static class WsDiscoveryMessages
{
    public const int Port = 3702;
    public const string MulticastIPv4 = "239.255.255.250";
    public const string MulticastIPv6 = "ff02::c";
    public const string DiscoveryTo = "urn:schemas-xmlsoap-org:ws:2005:04:discovery";
    public const string AnonymousReplyTo = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous";
    public const string ProbeAction = "http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe";
    public const string ProbeMatchesAction = "http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches";
    public const string HelloAction = "http://schemas.xmlsoap.org/ws/2005/04/discovery/Hello";
    public const string ByeAction = "http://schemas.xmlsoap.org/ws/2005/04/discovery/Bye";
    public const string ResolveAction = "http://schemas.xmlsoap.org/ws/2005/04/discovery/Resolve";
    public const string ResolveMatchesAction = "http://schemas.xmlsoap.org/ws/2005/04/discovery/ResolveMatches";

    /// <summary>The device type every ONVIF camera (Profile S/T) advertises.</summary>
    public static readonly XName NetworkVideoTransmitter = Ns.Dn + "NetworkVideoTransmitter";

    /// <summary>
    /// A Probe for the given types (none: an untyped probe, which every target service answers).
    /// <paramref name="messageId"/> is a <c>uuid:</c> URI that ProbeMatches carry back in RelatesTo.
    /// </summary>
    public static byte[] Probe(string messageId, IReadOnlyCollection<XName> types)
    {
        var prefixes = types.Select(t => t.Namespace).Distinct().Select((ns, i) => (Prefix: ns == Ns.Dn ? "dn" : $"t{i}", Namespace: ns)).ToList();
        var typeList = string.Join(' ', types.Select(t => $"{prefixes.First(p => p.Namespace == t.Namespace).Prefix}:{t.LocalName}"));
        var probe = new XElement(Ns.Discovery + "Probe",
            prefixes.Select(p => new XAttribute(XNamespace.Xmlns + p.Prefix, p.Namespace.NamespaceName)),
            types.Count == 0 ? null : new XElement(Ns.Discovery + "Types", typeList));
        var headers = new[]
        {
            new XElement(Ns.Wsa2004 + "Action", SoapEnvelope.MustUnderstand(), ProbeAction),
            new XElement(Ns.Wsa2004 + "MessageID", messageId),
            new XElement(Ns.Wsa2004 + "ReplyTo", new XElement(Ns.Wsa2004 + "Address", AnonymousReplyTo)),
            new XElement(Ns.Wsa2004 + "To", SoapEnvelope.MustUnderstand(), DiscoveryTo),
        };
        var document = SoapEnvelope.Create(probe, headers);
        document.Root!.Add(Ns.Declarations(("a", Ns.Wsa2004), ("d", Ns.Discovery)));
        return SoapEnvelope.Serialize(document);
    }

    /// <summary>
    /// A Resolve (WS-Discovery 2005/04 section 6.1) for a target service known by its endpoint reference only (a
    /// ProbeMatch or Hello without XAddrs); the target answers with ResolveMatches carrying its transport addresses.
    /// </summary>
    public static byte[] Resolve(string messageId, string endpointReference)
    {
        var resolve = new XElement(Ns.Discovery + "Resolve",
            new XElement(Ns.Wsa2004 + "EndpointReference", new XElement(Ns.Wsa2004 + "Address", endpointReference)));
        var headers = new[]
        {
            new XElement(Ns.Wsa2004 + "Action", SoapEnvelope.MustUnderstand(), ResolveAction),
            new XElement(Ns.Wsa2004 + "MessageID", messageId),
            new XElement(Ns.Wsa2004 + "ReplyTo", new XElement(Ns.Wsa2004 + "Address", AnonymousReplyTo)),
            new XElement(Ns.Wsa2004 + "To", SoapEnvelope.MustUnderstand(), DiscoveryTo),
        };
        var document = SoapEnvelope.Create(resolve, headers);
        document.Root!.Add(Ns.Declarations(("a", Ns.Wsa2004), ("d", Ns.Discovery)));
        return SoapEnvelope.Serialize(document);
    }

    public static string NewMessageId() => "uuid:" + Guid.NewGuid().ToString("D");
}
