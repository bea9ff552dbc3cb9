using System.Net;
using System.Text;
using Appliance.Plugins.WebRtc.Protocol.Ice;
using Appliance.Plugins.WebRtc.Protocol.Stun;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.Unit;

public sealed class StunTests
{
    // RFC 5769 section 2.1 "Sample Request" (short-term credentials, password VOkJxbRl1RmTxUk/WvJxBt).
    private static readonly byte[] Rfc5769Request = Convert.FromHexString(
        "000100582112a442b7e7a701bc34d686fa87dfae" +
        "802200105354554e207465737420636c69656e74" +
        "002400046e0001ff" +
        "80290008932ff9b151263b36" +
        "000600096576746a3a68367659202020" +
        "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2" +
        "80280004e57a3bcf");

    [Fact]
    public void Rfc5769_sample_request_parses_with_integrity_and_fingerprint()
    {
        var parsed = StunMessage.Parse(Rfc5769Request);
        Assert.True(parsed.IsOk, parsed.Failure?.ToString());
        var m = parsed.Value;
        Assert.Equal(StunMessageType.BindingRequest, m.Type);
        Assert.Equal("evtj:h6vY", m.Username);
        Assert.Equal(0x6e0001ffu, m.Priority);
        Assert.True(m.HasFingerprint);
        Assert.True(m.VerifyIntegrity(Encoding.UTF8.GetBytes("VOkJxbRl1RmTxUk/WvJxBt")));
        Assert.False(m.VerifyIntegrity(Encoding.UTF8.GetBytes("wrong password")));
    }

    [Fact]
    public void Built_response_round_trips_with_xor_mapped_address_for_both_families()
    {
        var tid = StunMessageBuilder.NewTransactionId();
        foreach (var ep in new[] { new IPEndPoint(IPAddress.Parse("127.0.0.1"), 50123), new IPEndPoint(IPAddress.IPv6Loopback, 443) })
        {
            var bytes = new StunMessageBuilder(StunMessageType.BindingSuccess, tid).AddXorMappedAddress(ep).Build(Encoding.UTF8.GetBytes("key"));
            var m = StunMessage.Parse(bytes).Value;
            Assert.Equal(ep, m.XorMappedAddress);
            Assert.True(m.VerifyIntegrity(Encoding.UTF8.GetBytes("key")));
        }
    }

    [Fact]
    public void Flipped_bit_anywhere_fails_fingerprint_or_integrity_and_never_throws()
    {
        var key = Encoding.UTF8.GetBytes("VOkJxbRl1RmTxUk/WvJxBt");
        for (var i = 0; i < Rfc5769Request.Length; i++)
        {
            var copy = (byte[])Rfc5769Request.Clone();
            copy[i] ^= 0x04;
            var parsed = StunMessage.Parse(copy);
            Assert.False(parsed.IsOk && parsed.Value.VerifyIntegrity(key) && parsed.Value.HasFingerprint, $"byte {i} flipped and still accepted");
        }
    }

    [Theory]
    [InlineData("", "malformed")]
    [InlineData("0001", "malformed")]
    [InlineData("000100042112a442b7e7a701bc34d686fa87dfae", "malformed")] // length says 4, no body
    [InlineData("000100002112a443b7e7a701bc34d686fa87dfae", "malformed")] // wrong cookie
    [InlineData("c00100002112a442b7e7a701bc34d686fa87dfae", "malformed")] // top bits set
    [InlineData("000100082112a442b7e7a701bc34d686fa87dfae00060010aaaaaaaa", "malformed")] // attribute runs past the end
    [InlineData("000100082112a442b7e7a701bc34d686fa87dfae8028000400000000", "bad-fingerprint")]
    public void Malformed_stun_is_a_named_failure(string hex, string code)
    {
        var parsed = StunMessage.Parse(Convert.FromHexString(hex));
        Assert.False(parsed.IsOk);
        Assert.Equal(code, parsed.Failure!.Code);
    }

    [Fact]
    public void Oversized_stun_is_refused()
    {
        var big = new byte[4000];
        Assert.Equal("too-large", StunMessage.Parse(big).Failure!.Code);
    }

    [Fact]
    public void Random_garbage_never_throws()
    {
        var random = new Random(5769);
        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            if (bytes.Length >= 8) { bytes[0] = 0; bytes[1] = 1; bytes[4] = 0x21; bytes[5] = 0x12; bytes[6] = 0xa4; bytes[7] = 0x42; }
            _ = StunMessage.Parse(bytes);
        }
    }

    [Fact]
    public void Ice_lite_agent_answers_only_checks_with_our_credentials()
    {
        var local = IceCredentials.Generate();
        var agent = new IceLiteAgent(local, "remote", TimeProvider.System);
        var from = new IPEndPoint(IPAddress.Loopback, 40000);

        byte[] Check(string username, string password, bool useCandidate, bool fingerprint = true)
        {
            var b = new StunMessageBuilder(StunMessageType.BindingRequest, StunMessageBuilder.NewTransactionId())
                .AddUsername(username).AddUInt32(StunAttributeType.Priority, 1).AddUInt64(StunAttributeType.IceControlling, 7);
            if (useCandidate) b.Add(StunAttributeType.UseCandidate, []);
            return b.Build(Encoding.UTF8.GetBytes(password), fingerprint);
        }

        Assert.Equal(IceCheckOutcome.Dropped, agent.Handle(Check($"{local.UsernameFragment}:remote", "not-the-password-at-all", true), from).Outcome);
        Assert.Equal(IceCheckOutcome.Dropped, agent.Handle(Check($"other:remote", local.Password, true), from).Outcome);
        Assert.Equal(IceCheckOutcome.Dropped, agent.Handle(Check($"{local.UsernameFragment}:remote", local.Password, true, fingerprint: false), from).Outcome);
        Assert.Null(agent.Selected);
        Assert.Equal(3, agent.ChecksDropped);

        var ok = agent.Handle(Check($"{local.UsernameFragment}:remote", local.Password, true), from);
        Assert.Equal(IceCheckOutcome.Nominated, ok.Outcome);
        Assert.Equal(from, agent.Selected);
        var response = StunMessage.Parse(ok.Response!).Value;
        Assert.Equal(StunMessageType.BindingSuccess, response.Type);
        Assert.Equal(from, response.XorMappedAddress);
        Assert.True(response.VerifyIntegrity(Encoding.UTF8.GetBytes(local.Password)));
        Assert.Equal(IceCheckOutcome.Answered, agent.Handle(Check($"{local.UsernameFragment}:remote", local.Password, false), from).Outcome);
    }
}
