using Appliance.Abstractions;
using System.Globalization;
using System.Xml.Linq;
using Appliance.Plugins.Onvif.Protocol.Soap;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Protocol.Discovery;

/// <summary>Reads WS-Discovery 2005/04 datagrams (ProbeMatches, ResolveMatches, Hello, Bye, Probe, Resolve) with the safe XML reader.</summary>
public static class WsDiscoveryParser
{
    /// <summary>Real ProbeMatches are a few KiB; a datagram beyond this is refused unread.</summary>
    public const int MaxDatagramBytes = 32 * 1024;

    private const int MaxMatches = 64;
    private const int MaxListItems = 64;

    public static Result<WsDiscoveryMessage> Parse(ReadOnlyMemory<byte> datagram)
    {
        if (datagram.Length > MaxDatagramBytes)
            return Result<WsDiscoveryMessage>.Fail(ErrorKind.TooLarge, $"WS-Discovery datagram of {datagram.Length} bytes exceeds {MaxDatagramBytes} bytes");
        var envelope = SoapMessage.Read(datagram, MaxDatagramBytes);
        if (!envelope.TryGetValue(out var message, out var error)) return error;
        var messageId = message.HeaderText(Ns.Wsa2004 + "MessageID");
        var body = message.Body;
        if (body.Name.Namespace != Ns.Discovery)
            return Result<WsDiscoveryMessage>.Fail(ErrorKind.UnexpectedMessage,
                $"not a WS-Discovery 2005/04 message: body is {body.Name.LocalName} in namespace {body.Name.NamespaceName}");
        switch (body.Name.LocalName)
        {
            case "ProbeMatches":
                var matches = new List<TargetService>();
                var problems = new List<Failure>();
                foreach (var match in body.Elements(Ns.Discovery + "ProbeMatch").Take(MaxMatches))
                {
                    var service = ReadTargetService(match, "ProbeMatch", resolvable: true);
                    if (service.TryGetValue(out var s, out var e)) matches.Add(s);
                    else problems.Add(e);
                }
                if (matches.Count == 0 && problems.Count == 0 && body.HasElements)
                    problems.Add(new Failure(ErrorKind.UnexpectedMessage, "ProbeMatches holds no ProbeMatch element"));
                return new ProbeMatches(message.HeaderText(Ns.Wsa2004 + "RelatesTo"), matches, problems) { MessageId = messageId };
            case "ResolveMatches":
                // One ResolveMatch at most (section 6.2); it must carry usable XAddrs, else it resolved nothing.
                var resolved = body.Elements(Ns.Discovery + "ResolveMatch").Take(1).Select(m => ReadTargetService(m, "ResolveMatch", resolvable: false)).ToList();
                if (resolved.Count == 0 && body.HasElements)
                    return Result<WsDiscoveryMessage>.Fail(ErrorKind.UnexpectedMessage, "ResolveMatches holds no ResolveMatch element");
                return new ResolveMatches(message.HeaderText(Ns.Wsa2004 + "RelatesTo"),
                    resolved.Where(r => r.IsOk).Select(r => r.Value).ToList(), resolved.Where(r => !r.IsOk).Select(r => r.Failure!).ToList())
                { MessageId = messageId };
            case "Hello":
                return ReadTargetService(body, "Hello", resolvable: true).Map(s => (WsDiscoveryMessage)new Hello(s) { MessageId = messageId });
            case "Bye":
                var reference = EndpointReference(body);
                return reference is null
                    ? Result<WsDiscoveryMessage>.Fail(ErrorKind.UnexpectedMessage, "Bye without EndpointReference/Address")
                    : new Bye(reference) { MessageId = messageId };
            case "Resolve":
                var resolving = EndpointReference(body);
                return resolving is null
                    ? Result<WsDiscoveryMessage>.Fail(ErrorKind.UnexpectedMessage, "Resolve without EndpointReference/Address")
                    : new ResolveRequest(resolving) { MessageId = messageId };
            case "Probe":
                return new Probe(QNames(body.Element(Ns.Discovery + "Types"))) { MessageId = messageId };
            default:
                return Result<WsDiscoveryMessage>.Fail(ErrorKind.UnexpectedMessage, $"WS-Discovery message {body.Name.LocalName} is not handled");
        }
    }

    /// <param name="resolvable">ProbeMatch and Hello may leave XAddrs out (the device is then resolved); a ResolveMatch may not.</param>
    private static Result<TargetService> ReadTargetService(XElement element, string what, bool resolvable)
    {
        var reference = EndpointReference(element);
        if (reference is null)
            return Result<TargetService>.Fail(ErrorKind.UnexpectedMessage, $"{what} without EndpointReference/Address");
        var given = List(element.Element(Ns.Discovery + "XAddrs"));
        var xaddrs = given
            .Where(x => Uri.TryCreate(x, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps))
            .ToList();
        if (xaddrs.Count == 0 && (given.Count > 0 || !resolvable))
            return Result<TargetService>.Fail(ErrorKind.UnexpectedMessage,
                given.Count > 0
                    ? $"{what} for {reference} has no usable XAddrs (http/https), the device is skipped"
                    : $"{what} for {reference} has no XAddrs");
        long? version = long.TryParse(element.ChildText(Ns.Discovery + "MetadataVersion"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
        return new TargetService(reference, QNames(element.Element(Ns.Discovery + "Types")), List(element.Element(Ns.Discovery + "Scopes")), xaddrs, version);
    }

    private static string? EndpointReference(XElement element)
    {
        var address = element.Element(Ns.Wsa2004 + "EndpointReference")?.Element(Ns.Wsa2004 + "Address")?.Value.Trim()
                      ?? element.ElementAnyNs("EndpointReference")?.ElementAnyNs("Address")?.Value.Trim();
        return string.IsNullOrEmpty(address) || address.Length > 512 ? null : address;
    }

    private static IReadOnlyList<string> List(XElement? element) =>
        element is null ? [] : element.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Take(MaxListItems).ToList();

    /// <summary>Whitespace-separated QNames, prefixes resolved in the element's scope; unresolvable prefixes kept as a name in no namespace.</summary>
    private static IReadOnlyList<XName> QNames(XElement? element)
    {
        if (element is null) return [];
        var names = new List<XName>();
        foreach (var token in List(element))
        {
            var colon = token.IndexOf(':');
            var local = colon >= 0 ? token[(colon + 1)..] : token;
            if (local.Length == 0) continue;
            var ns = colon > 0 ? element.GetNamespaceOfPrefix(token[..colon]) : element.GetDefaultNamespace();
            try { names.Add((ns ?? XNamespace.None) + local); }
            catch (System.Xml.XmlException) { /* not an NCName: ignored */ }
        }
        return names;
    }
}
