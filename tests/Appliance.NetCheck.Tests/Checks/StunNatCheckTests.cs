using System.Globalization;
using System.Net;
using Appliance.NetCheck.Checks;
using Appliance.NetCheck.Net;
using Appliance.NetCheck.Stun;
using Appliance.NetCheck.Tests.Infrastructure;
using Appliance.NetCheck.Tests.Peers;
using Appliance.Testing;
using Xunit;

namespace Appliance.NetCheck.Tests.Checks;

/// <summary>STUN binding and RFC 5780 discovery against a real coturn on loopback (127.0.0.1 + 127.0.0.2).</summary>
public sealed class StunNatCheckTests : IDisposable
{
    private static readonly StunRetransmission Fast = new(TimeSpan.FromMilliseconds(150), 3);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static StunNatCheck Check(IPEndPoint server)
        => new(new HostPort(server.Address.ToString(), server.Port), new SystemResolver(), new DefaultSocketFactory(), Fast);

    [Fact]
    public async Task Rfc5780_server_without_nat_says_peer_to_peer_will_work()
    {
        using var coturn = await Coturn.StartAsync(CoturnOptions.Stun(IPAddress.Parse("127.0.0.1"), IPAddress.Parse("127.0.0.2")), _dir.Path);
        var outcome = await new NatBehaviorDiscovery(new DefaultSocketFactory(), Fast).DiscoverAsync(coturn.Primary, CancellationToken.None);
        Assert.True(outcome.IsOk, outcome.Failure?.Message);
        Assert.Equal(NatMappingBehavior.NoNat, outcome.Value.Mapping);
        Assert.Equal(NatFilteringBehavior.EndpointIndependent, outcome.Value.Filtering);
        Assert.Equal(IPAddress.Parse("127.0.0.2"), outcome.Value.OtherAddress!.Address);

        var result = await Run.CheckAsync(Check(coturn.Primary));
        Assert.Equal(CheckStatus.Pass, result.Status);
        Assert.StartsWith("peer-to-peer video will work", result.Detail, StringComparison.Ordinal);
        Assert.NotNull(result.LatencyMs);
    }

    [Fact]
    public async Task Single_address_server_gives_an_undetermined_warning()
    {
        using var coturn = await Coturn.StartAsync(CoturnOptions.Stun(IPAddress.Parse("127.0.0.1")), _dir.Path);
        var result = await Run.CheckAsync(Check(coturn.Primary));
        // On loopback the mapping is "no NAT" from Test I alone; filtering needs CHANGE-REQUEST, which needs two IPs.
        Assert.Equal(CheckStatus.Warn, result.Status);
        Assert.Contains("undetermined", result.Detail, StringComparison.Ordinal);
        Assert.Contains("RFC 5780", result.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopped_stun_server_fails_with_udp_remediation()
    {
        var coturn = await Coturn.StartAsync(CoturnOptions.Stun(IPAddress.Parse("127.0.0.1"), IPAddress.Parse("127.0.0.2")), _dir.Path);
        coturn.Dispose();
        var result = await Run.CheckAsync(Check(coturn.Primary));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.StartsWith("relay needed", result.Detail, StringComparison.Ordinal);
        Assert.Equal($"Allow outbound UDP {coturn.Primary.Port} to 127.0.0.1; without it video falls back to the relay (TCP 443).", result.Remediation);
    }

    public static TheoryData<string, string> HostileReplies() => new()
    {
        { "garbage", "malformed STUN response" },
        { "bad-fingerprint", "FINGERPRINT mismatch" },
        { "error-400", "error 400 Bad Request" },
        { "no-address", "neither XOR-MAPPED-ADDRESS nor MAPPED-ADDRESS" },
        { "oversized", "exceeds the 1500-byte limit" },
    };

    [Theory]
    [MemberData(nameof(HostileReplies))]
    public async Task Hostile_stun_replies_fail_with_clear_errors(string kind, string expected)
    {
        await using var server = new HostileUdpServer(request => Reply(kind, request));
        var result = await Run.CheckAsync(Check(server.EndPoint));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains(expected, result.Detail, StringComparison.Ordinal);
        Assert.Contains($"UDP {server.EndPoint.Port.ToString(CultureInfo.InvariantCulture)}", result.Remediation, StringComparison.Ordinal);
    }

    private static byte[] Reply(string kind, byte[] request)
    {
        var id = StunMessage.Parse(request).Value.TransactionId;
        switch (kind)
        {
            case "garbage":
                return "\u0001\u0001 not stun at all, hello"u8.ToArray();
            case "bad-fingerprint":
                var bytes = new StunMessage(StunMethod.Binding, StunClass.SuccessResponse, id,
                    [StunAttributes.XorMappedAddress(new IPEndPoint(IPAddress.Loopback, 1), id)]).Encode();
                bytes[^1] ^= 0x55;
                return bytes;
            case "error-400":
                return new StunMessage(StunMethod.Binding, StunClass.ErrorResponse, id, [StunAttributes.ErrorCode(400, "Bad Request")]).Encode();
            case "no-address":
                return new StunMessage(StunMethod.Binding, StunClass.SuccessResponse, id, []).Encode();
            default:
                return new StunMessage(StunMethod.Binding, StunClass.SuccessResponse, id,
                    [new StunAttribute(StunAttributeType.Software, new byte[1600])]).Encode();
        }
    }
}
