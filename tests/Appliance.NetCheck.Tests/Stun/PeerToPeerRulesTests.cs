using System.Net;
using Appliance.Abstractions;
using Appliance.NetCheck.Stun;
using Xunit;

namespace Appliance.NetCheck.Tests.Stun;

/// <summary>The OpenEye "Connection Methods" conditions (seed 002) applied to discovery outcomes.</summary>
public class PeerToPeerRulesTests
{
    private static Result<NatBehavior> Outcome(NatMappingBehavior mapping, NatFilteringBehavior filtering)
        => new NatBehavior(mapping, filtering, new IPEndPoint(IPAddress.Loopback, 1), new IPEndPoint(IPAddress.Loopback, 2), null, TimeSpan.Zero, []);

    [Theory]
    [InlineData(NatMappingBehavior.NoNat, NatFilteringBehavior.EndpointIndependent, PeerToPeerVerdict.PeerToPeerWillWork)]
    [InlineData(NatMappingBehavior.EndpointIndependent, NatFilteringBehavior.EndpointIndependent, PeerToPeerVerdict.PeerToPeerWillWork)]
    [InlineData(NatMappingBehavior.EndpointIndependent, NatFilteringBehavior.AddressDependent, PeerToPeerVerdict.DependsOnViewer)]
    [InlineData(NatMappingBehavior.EndpointIndependent, NatFilteringBehavior.AddressAndPortDependent, PeerToPeerVerdict.DependsOnViewer)]
    [InlineData(NatMappingBehavior.AddressDependent, NatFilteringBehavior.EndpointIndependent, PeerToPeerVerdict.RelayNeeded)]
    [InlineData(NatMappingBehavior.AddressAndPortDependent, NatFilteringBehavior.AddressAndPortDependent, PeerToPeerVerdict.RelayNeeded)]
    [InlineData(NatMappingBehavior.Unknown, NatFilteringBehavior.Unknown, PeerToPeerVerdict.Undetermined)]
    [InlineData(NatMappingBehavior.EndpointIndependent, NatFilteringBehavior.Unknown, PeerToPeerVerdict.Undetermined)]
    public void Verdict_follows_the_openeye_conditions(NatMappingBehavior mapping, NatFilteringBehavior filtering, PeerToPeerVerdict expected)
        => Assert.Equal(expected, PeerToPeerRules.Judge(Outcome(mapping, filtering)).Verdict);

    [Fact]
    public void Blocked_udp_needs_the_relay()
    {
        var (verdict, reason) = PeerToPeerRules.Judge(new Failure(StunClient.NoResponseCode, "no STUN response"));
        Assert.Equal(PeerToPeerVerdict.RelayNeeded, verdict);
        Assert.Contains("UDP", reason, StringComparison.Ordinal);
    }
}
