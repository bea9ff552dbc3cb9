using Appliance.Abstractions;
using System.Xml.Linq;

namespace Appliance.Plugins.Onvif.Protocol.Discovery;

/// <summary>A target service as WS-Discovery describes it (ProbeMatch, Hello): endpoint reference, types, scopes, transport addresses.</summary>
public sealed record TargetService(string EndpointReference, IReadOnlyList<XName> Types, IReadOnlyList<string> Scopes,
    IReadOnlyList<string> XAddrs, long? MetadataVersion)
{
    /// <summary>Announced without XAddrs: its transport addresses must be asked for with a Resolve.</summary>
    public bool NeedsResolve => XAddrs.Count == 0;
}

/// <summary>A received WS-Discovery message.</summary>
public abstract record WsDiscoveryMessage
{
    /// <summary>The sender's MessageID (for duplicate suppression, SOAP-over-UDP retransmissions).</summary>
    public required string? MessageId { get; init; }
}

/// <summary>Answer to a Probe: zero or more matches; matches that could not be read are in <see cref="Problems"/>.</summary>
public sealed record ProbeMatches(string? RelatesTo, IReadOnlyList<TargetService> Matches, IReadOnlyList<Failure> Problems) : WsDiscoveryMessage;

/// <summary>Answer to a Resolve: the target service with its XAddrs (never empty), or the problem reading it.</summary>
public sealed record ResolveMatches(string? RelatesTo, IReadOnlyList<TargetService> Matches, IReadOnlyList<Failure> Problems) : WsDiscoveryMessage;

/// <summary>A client's Resolve for an endpoint reference (seen on the multicast group, our own included; clients ignore it).</summary>
public sealed record ResolveRequest(string EndpointReference) : WsDiscoveryMessage;

/// <summary>A target service announcing itself on the multicast group.</summary>
public sealed record Hello(TargetService Service) : WsDiscoveryMessage;

/// <summary>A target service leaving.</summary>
public sealed record Bye(string EndpointReference) : WsDiscoveryMessage;

/// <summary>Another client's Probe (seen on the multicast group; ignored by clients, answered by devices).</summary>
public sealed record Probe(IReadOnlyList<XName> Types) : WsDiscoveryMessage;
