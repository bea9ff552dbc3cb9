using System.Buffers.Binary;
using Appliance.Plugins.WebRtc.Protocol.Srtp;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.Unit;

public sealed class SrtpTests
{
    [Fact]
    public void Rfc3711_key_derivation_test_vector()
    {
        // RFC 3711 appendix B.3.
        var masterKey = Convert.FromHexString("E1F97A0D3E018BE0D64FA32C06DE4139");
        var masterSalt = Convert.FromHexString("0EC675AD498AFEEBB6960B3AABE6");
        Assert.Equal("C61E7A93744F39EE10734AFE3FF7A087", Convert.ToHexString(SrtpKeyDerivation.Derive(masterKey, masterSalt, 0x00, 16)));
        Assert.Equal("30CBBC08863D8C85D49DB34A9AE1", Convert.ToHexString(SrtpKeyDerivation.Derive(masterKey, masterSalt, 0x02, 14)));
        Assert.StartsWith("CEBE321F6FF7716B6FD4AB49AF256A15", Convert.ToHexString(SrtpKeyDerivation.Derive(masterKey, masterSalt, 0x01, 20)));
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1_80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void Rtp_and_rtcp_round_trip_and_tampering_is_refused(SrtpProfile profile)
    {
        var key = new SrtpMasterKey(profile, Enumerable.Range(1, 16).Select(i => (byte)i).ToArray(), Enumerable.Range(50, profile.MasterSaltLength()).Select(i => (byte)i).ToArray());
        using var sender = new SrtpSession(key);
        using var receiver = new SrtpSession(key);
        for (ushort seq = 65530; seq != 10; seq++) // crosses the rollover
        {
            var plain = Rtp(seq, 0x11223344, 300);
            var buffer = new byte[plain.Length + SrtpSession.MaxOverhead];
            plain.CopyTo(buffer, 0);
            var n = sender.ProtectRtp(buffer, plain.Length);
            Assert.NotEqual(plain.AsSpan(12).ToArray(), buffer.AsSpan(12, plain.Length - 12).ToArray());
            var tampered = (byte[])buffer.Clone();
            tampered[40] ^= 1;
            Assert.Equal("bad-auth", receiver.UnprotectRtp(tampered, n).Failure?.Code);
            var back = receiver.UnprotectRtp(buffer, n);
            Assert.True(back.IsOk, back.Failure?.ToString());
            Assert.Equal(plain, buffer.AsSpan(0, back.Value).ToArray());
        }

        var rtcp = new byte[] { 0x81, 201, 0, 7, 1, 2, 3, 4, 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5 };
        var rb = new byte[rtcp.Length + SrtpSession.MaxOverhead];
        rtcp.CopyTo(rb, 0);
        var rn = sender.ProtectRtcp(rb, rtcp.Length);
        var bad = (byte[])rb.Clone();
        bad[rn - 1] ^= 0x80;
        Assert.False(receiver.UnprotectRtcp(bad, rn).IsOk);
        var copy = (byte[])rb.Clone();
        var ok = receiver.UnprotectRtcp(rb, rn);
        Assert.True(ok.IsOk, ok.Failure?.ToString());
        Assert.Equal(rtcp, rb.AsSpan(0, ok.Value).ToArray());
        Assert.Equal("replay", receiver.UnprotectRtcp(copy, rn).Failure?.Code);
    }

    [Fact]
    public void Short_and_random_srtp_is_dropped_not_thrown()
    {
        var key = new SrtpMasterKey(SrtpProfile.AesCm128HmacSha1_80, new byte[16], new byte[14]);
        using var receiver = new SrtpSession(key);
        var random = new Random(3711);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 100)];
            random.NextBytes(bytes);
            if (bytes.Length > 0) bytes[0] = (byte)(0x80 | (bytes[0] & 0x3F));
            Assert.False(receiver.UnprotectRtp(bytes, bytes.Length).IsOk);
            Assert.False(receiver.UnprotectRtcp(bytes, bytes.Length).IsOk);
        }
    }

    private static byte[] Rtp(ushort seq, uint ssrc, int payload)
    {
        var p = new byte[12 + payload];
        p[0] = 0x80;
        p[1] = 96;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), seq);
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(4), 90000u * seq);
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(8), ssrc);
        for (var i = 12; i < p.Length; i++) p[i] = (byte)(i * 7);
        return p;
    }
}
