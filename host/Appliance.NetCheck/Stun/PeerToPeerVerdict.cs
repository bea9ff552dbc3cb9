namespace Appliance.NetCheck.Stun;

public enum PeerToPeerVerdict
{
    /// <summary>"peer-to-peer video will work" from this side.</summary>
    PeerToPeerWillWork,

    /// <summary>Works only if the viewer's network does not also filter endpoint-dependently.</summary>
    DependsOnViewer,

    /// <summary>RFC 5780 could not run to the end (server without OTHER-ADDRESS, or a test failed).</summary>
    Undetermined,

    /// <summary>"relay needed": video falls back to the relay over TCP 443.</summary>
    RelayNeeded,
}

/// <summary>
/// The OpenEye "Connection Methods" conditions (seed 002, section "Connection Methods"): P2P fails if UDP is blocked,
/// if a device uses endpoint-dependent mapping, or if both client and recorder use endpoint-dependent filtering.
/// </summary>
public static class PeerToPeerRules
{
    public static (PeerToPeerVerdict Verdict, string Reason) Judge(Result<NatBehavior> discovered)
    {
        if (!discovered.TryGetValue(out var behavior, out var failure))
        {
            return (PeerToPeerVerdict.RelayNeeded, $"UDP to the STUN server is blocked or unanswered ({failure.Message})");
        }

        return behavior.Mapping switch
        {
            NatMappingBehavior.AddressDependent or NatMappingBehavior.AddressAndPortDependent =>
                (PeerToPeerVerdict.RelayNeeded, $"the NAT uses endpoint-dependent ({Describe(behavior.Mapping)}) mapping"),
            NatMappingBehavior.Unknown =>
                (PeerToPeerVerdict.Undetermined, "the NAT mapping behaviour could not be determined"),
            _ => behavior.Filtering switch
            {
                NatFilteringBehavior.EndpointIndependent =>
                    (PeerToPeerVerdict.PeerToPeerWillWork, $"{Describe(behavior.Mapping)} mapping and endpoint-independent filtering"),
                NatFilteringBehavior.Unknown =>
                    (PeerToPeerVerdict.Undetermined, "the filtering behaviour could not be determined"),
                _ => (PeerToPeerVerdict.DependsOnViewer,
                    $"endpoint-dependent ({Describe(behavior.Filtering)}) filtering here: P2P fails if the viewer's network filters the same way"),
            },
        };
    }

    public static string Describe(NatMappingBehavior mapping) => mapping switch
    {
        NatMappingBehavior.NoNat => "no NAT",
        NatMappingBehavior.EndpointIndependent => "endpoint-independent",
        NatMappingBehavior.AddressDependent => "address-dependent",
        NatMappingBehavior.AddressAndPortDependent => "address-and-port-dependent",
        _ => "unknown",
    };

    public static string Describe(NatFilteringBehavior filtering) => filtering switch
    {
        NatFilteringBehavior.EndpointIndependent => "endpoint-independent",
        NatFilteringBehavior.AddressDependent => "address-dependent",
        NatFilteringBehavior.AddressAndPortDependent => "address-and-port-dependent",
        _ => "unknown",
    };
}
