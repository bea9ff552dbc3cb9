using System.Buffers.Binary;
using Appliance.Plugins.WebRtc.Protocol.Rtcp;
using Appliance.Plugins.WebRtc.Protocol.Rtp;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.Unit;

public sealed class RtpTests
{
    [Fact]
    public void Small_nals_go_single_and_large_ones_as_fu_a_with_marker_on_the_last()
    {
        var sps = new byte[] { 0x67, 0x42, 0xe0, 0x1f };
        var pps = new byte[] { 0x68, 0xce, 0x3c, 0x80 };
        var idr = new byte[3000];
        idr[0] = 0x65;
        for (var i = 1; i < idr.Length; i++) idr[i] = (byte)(i % 251 + 1);
        var au = new byte[] { 0, 0, 0, 1 }.Concat(sps).Concat(new byte[] { 0, 0, 1 }).Concat(pps).Concat(new byte[] { 0, 0, 0, 1 }).Concat(idr).ToArray();
        var packets = new List<byte[]>();
        ushort seq = 100;
        var n = new NalPacketizer(1000).Packetize(au, 1234, 0xabcdef, 102, () => seq++, p => packets.Add(p.ToArray()));
        Assert.Equal(packets.Count, n);
        Assert.Equal(0x67, packets[0][12]);
        Assert.Equal(0x68, packets[1][12]);
        var fragments = packets.Skip(2).ToList();
        Assert.Equal(4, fragments.Count); // 2999 bytes in 998-byte pieces
        Assert.All(fragments, f => Assert.Equal(28, f[12] & 0x1F));
        Assert.Equal(0x80 | 5, fragments[0][13]);
        Assert.Equal(0x40 | 5, fragments[^1][13]);
        Assert.All(packets.SkipLast(1), p => Assert.Equal(0, p[1] & 0x80));
        Assert.Equal(0x80 | 102, packets[^1][1]);
        var rebuilt = new[] { idr[0] }.Concat(fragments.SelectMany(f => f.Skip(14))).ToArray();
        Assert.Equal(idr, rebuilt);
        Assert.Equal(Enumerable.Range(100, packets.Count).Select(i => (ushort)i), packets.Select(p => BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(2))));
    }

    [Fact]
    public void Nack_history_returns_what_was_sent_and_forgets_old_packets()
    {
        var history = new RetransmissionHistory(capacity: 4);
        for (ushort s = 0; s < 6; s++) history.Add(s, 0, new byte[] { (byte)s, 1, 2 });
        var buffer = new byte[10];
        Assert.Equal(0, history.TryCopy(0, buffer, out _));
        Assert.Equal(3, history.TryCopy(5, buffer, out _));
        Assert.Equal(5, buffer[0]);
    }

    [Fact]
    public void Rtcp_feedback_reads_pli_fir_nack_and_survives_garbage()
    {
        // PLI (PT 206, FMT 1), then a generic NACK (PT 205, FMT 1) for 10 and 12 (BLP bit 1).
        var pli = new byte[] { 0x81, 206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 9 };
        var nack = new byte[] { 0x81, 205, 0, 3, 0, 0, 0, 1, 0, 0, 0, 9, 0, 10, 0, 2 };
        var fb = RtcpFeedbackReader.Read(pli.Concat(nack).ToArray(), 9);
        Assert.True(fb.KeyframeRequested);
        Assert.Equal(new ushort[] { 10, 12 }, fb.Nacked);
        var fir = new byte[] { 0x84, 206, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 1, 0, 0, 0 };
        Assert.True(RtcpFeedbackReader.Read(fir, 9).KeyframeRequested);
        var random = new Random(4585);
        for (var i = 0; i < 3000; i++)
        {
            var bytes = new byte[random.Next(0, 80)];
            random.NextBytes(bytes);
            _ = RtcpFeedbackReader.Read(bytes, 9);
        }
        var huge = new byte[4 + 4 * 1000 + 8];
        huge[0] = 0x81; huge[1] = 205;
        BinaryPrimitives.WriteUInt16BigEndian(huge.AsSpan(2), (ushort)(huge.Length / 4 - 1));
        for (var f = 12; f < huge.Length; f += 4) huge[f + 2] = 0xFF;
        Assert.True(RtcpFeedbackReader.Read(huge, 9).Nacked.Count <= RtcpFeedbackReader.MaxNacksPerPacket + 16);
    }

    [Fact]
    public void Sender_report_is_a_well_formed_compound_packet()
    {
        var buffer = new byte[100];
        var n = SenderReport.Write(buffer, 42, 0x1122334455667788, 9000, 10, 1000, "appliance");
        Assert.Equal(0, n % 4);
        Assert.Equal(200, buffer[1]);
        var srLength = (BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(2)) + 1) * 4;
        Assert.Equal(28, srLength);
        Assert.Equal(202, buffer[srLength + 1]);
        Assert.Equal(n, srLength + (BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(srLength + 2)) + 1) * 4);
    }
}
