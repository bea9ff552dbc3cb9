using System.Net;

namespace Appliance.NetCheck.Stun;

/// <summary>NAT mapping behaviour (RFC 4787 section 4.1, discovered per RFC 5780 section 4.3).</summary>
public enum NatMappingBehavior
{
    /// <summary>The server gave no OTHER-ADDRESS (no RFC 5780 support), so only Test I could run.</summary>
    Unknown,

    /// <summary>The mapped address equals the local address: no NAT between the appliance and the server.</summary>
    NoNat,
    EndpointIndependent,
    AddressDependent,
    AddressAndPortDependent,
}

/// <summary>NAT/firewall filtering behaviour (RFC 4787 section 5, discovered per RFC 5780 section 4.4).</summary>
public enum NatFilteringBehavior
{
    Unknown,
    EndpointIndependent,
    AddressDependent,
    AddressAndPortDependent,
}

/// <summary>What RFC 5780 discovery found. <see cref="Notes"/> explains every unusual step.</summary>
public sealed record NatBehavior(
    NatMappingBehavior Mapping,
    NatFilteringBehavior Filtering,
    IPEndPoint LocalAddress,
    IPEndPoint MappedAddress,
    IPEndPoint? OtherAddress,
    TimeSpan FirstRoundTrip,
    IReadOnlyList<string> Notes);
