using Appliance.Plugins.Rtsp.Protocol.Rtcp;
using Appliance.Plugins.Rtsp.Protocol.Rtp;
using Xunit;

namespace Appliance.Plugins.Rtsp.Protocol.Tests;

public sealed class RtpTests
{
    internal static byte[] Packet(ushort seq, uint ts, bool marker, byte[] payload, byte pt = 96, uint ssrc = 0x1234)
    {
        var buffer = new byte[12 + payload.Length];
        RtpPacket.Write(buffer, marker, pt, seq, ts, ssrc, payload);
        return buffer;
    }

    [Fact]
    public void ParsesTheFixedHeader()
    {
        var data = Packet(65535, 0xFFFFFFF0, true, [1, 2, 3], 97, 0xDEADBEEF);
        Assert.Equal(RtpParseError.None, RtpPacket.TryParse(data, out var p));
        Assert.Equal((65535, 0xFFFFFFF0u, true, 97, 0xDEADBEEFu), (p.SequenceNumber, p.Timestamp, p.Marker, p.PayloadType, p.Ssrc));
        Assert.Equal(new byte[] { 1, 2, 3 }, p.Payload.ToArray());
    }

    [Fact]
    public void SkipsCsrcsAndExtensionAndStripsPadding()
    {
        var data = new byte[] { 0xB1, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, /* csrc */ 9, 9, 9, 9, /* ext */ 0xBE, 0xDE, 0, 1, 7, 7, 7, 7, /* payload */ 5, 6, /* padding */ 0, 2 };
        // version 2, padding, extension, 1 CSRC
        data[0] = 0x80 | 0x20 | 0x10 | 1;
        Assert.Equal(RtpParseError.None, RtpPacket.TryParse(data, out var p));
        Assert.Equal(new byte[] { 5, 6 }, p.Payload.ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 96, 0, 1 }, RtpParseError.TooShort)]
    [InlineData(new byte[] { 0x40, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, RtpParseError.BadVersion)]
    [InlineData(new byte[] { 0x8F, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, RtpParseError.CsrcBeyondPacket)]
    [InlineData(new byte[] { 0x90, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE }, RtpParseError.ExtensionBeyondPacket)]
    [InlineData(new byte[] { 0x90, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0xFF, 0xFF, 1 }, RtpParseError.ExtensionBeyondPacket)]
    [InlineData(new byte[] { 0xA0, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 200 }, RtpParseError.BadPadding)]
    [InlineData(new byte[] { 0xA0, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 }, RtpParseError.BadPadding)]
    public void RejectsBrokenHeaders(byte[] data, RtpParseError expected) =>
        Assert.Equal(expected, RtpPacket.TryParse(data, out _));

    [Fact]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(3550);
        var buffer = new byte[200];
        for (var i = 0; i < 20000; i++)
        {
            var length = random.Next(0, buffer.Length);
            random.NextBytes(buffer.AsSpan(0, length));
            if (length > 0 && random.Next(2) == 0) buffer[0] = (byte)(0x80 | (buffer[0] & 0x3F));
            var error = RtpPacket.TryParse(buffer.AsSpan(0, length), out var p);
            if (error == RtpParseError.None) Assert.True(p.Payload.Length <= length - 12);
        }
    }

    [Fact]
    public void TimestampsUnwrapAcrossTheWrap()
    {
        var u = new RtpTimestampUnwrapper();
        Assert.Equal(0xFFFFFF00L, u.Unwrap(0xFFFFFF00));
        Assert.Equal(0x100000100L, u.Unwrap(0x00000100));
        Assert.Equal(0x100000050L, u.Unwrap(0x00000050)); // a B-frame slightly earlier
        Assert.Equal(0x170000000L, u.Unwrap(0x70000000));
        Assert.Equal(0x1E0000000L, u.Unwrap(0xE0000000));
        Assert.Equal(0x210000000L, u.Unwrap(0x10000000));
    }

    [Fact]
    public void ReceiverStatisticsFollowRfc3550()
    {
        var s = new RtpReceiverStatistics();
        foreach (ushort seq in new ushort[] { 65530, 65531, 65533, 65534, 65535, 0, 1, 3 })
            s.OnPacket(1, seq, 0, 0);
        Assert.Equal(8, s.Received);
        Assert.Equal(65536 + 3, s.ExtendedHighestSequence);
        Assert.Equal(10, s.Expected);
        Assert.Equal(2, s.Lost);
        var (fraction, cumulative) = s.TakeIntervalLoss();
        Assert.Equal(2, cumulative);
        Assert.Equal((byte)(2 * 256 / 10), fraction);
        Assert.Equal((byte)0, s.TakeIntervalLoss().FractionLost);
    }

    [Fact]
    public void ReceiverReportHasTheRfc3550Layout()
    {
        var buffer = new byte[300];
        var block = new RtcpReportBlock(0xAABBCCDD, 51, -3, 70000, 12, 0x11223344, 65536);
        var n = RtcpPackets.WriteReceiverReport(buffer, 0x01020304, block, "appliance-rtsp");
        Assert.Equal(0, n % 4);
        Assert.Equal(0x81, buffer[0]);
        Assert.Equal(201, buffer[1]);
        Assert.Equal(7, (buffer[2] << 8) | buffer[3]);
        Assert.Equal(0xAABBCCDDu, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(8)));
        Assert.Equal(51, buffer[12]);
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFD }, buffer[13..16]);
        Assert.Equal(202, buffer[33]);
        var summary = RtcpPackets.Read(buffer.AsSpan(0, n));
        Assert.True(summary.Valid);
        Assert.False(summary.HasSenderReport);
    }

    [Fact]
    public void ReadsSenderReportAndByeAndRejectsJunk()
    {
        var sr = new byte[28 + 8];
        sr[0] = 0x80; sr[1] = 200; sr[3] = 6;
        sr[4] = 0; sr[5] = 0; sr[6] = 0x12; sr[7] = 0x34;
        sr[10] = 0xAA; sr[11] = 0xBB; sr[12] = 0xCC; sr[13] = 0xDD;
        sr[28] = 0x81; sr[29] = 203; sr[31] = 1;
        var s = RtcpPackets.Read(sr);
        Assert.True(s.Valid && s.HasSenderReport && s.HasBye);
        Assert.Equal(0x1234u, s.SenderSsrc);
        Assert.Equal(0xAABBCCDDu, s.LastSenderReport);
        Assert.Contains("version", RtcpPackets.Read([0x40, 200, 0, 0]).Error);
        Assert.Contains("beyond", RtcpPackets.Read([0x80, 200, 0, 9]).Error);
        Assert.Contains("shorter", RtcpPackets.Read([0x80]).Error);
    }
}
