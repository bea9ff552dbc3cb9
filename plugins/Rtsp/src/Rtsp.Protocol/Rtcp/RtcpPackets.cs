using System.Buffers.Binary;
using System.Text;

namespace Appliance.Plugins.Rtsp.Protocol.Rtcp;

/// <summary>One report block of a receiver report (RFC 3550 §6.4.1).</summary>
public readonly record struct RtcpReportBlock(uint Ssrc, byte FractionLost, int CumulativeLost, uint ExtendedHighestSequence, uint Jitter, uint LastSenderReport, uint DelaySinceLastSenderReport);

/// <summary>What a received compound RTCP packet told us.</summary>
public readonly record struct RtcpSummary(bool Valid, bool HasSenderReport, uint SenderSsrc, uint LastSenderReport, bool HasBye, string? Error);

/// <summary>RTCP (RFC 3550 §6): writes RR+SDES compound packets, reads SR and BYE from the server.</summary>
public static class RtcpPackets
{
    public const byte SenderReport = 200;
    public const byte ReceiverReport = 201;
    public const byte SourceDescription = 202;
    public const byte Goodbye = 203;

    /// <summary>Writes a compound RR (one block) + SDES CNAME; returns the length written.</summary>
    public static int WriteReceiverReport(Span<byte> destination, uint reporterSsrc, in RtcpReportBlock block, string cname)
    {
        // RR: header(4) + ssrc(4) + block(24) = 32 bytes.
        destination[0] = 0x81;
        destination[1] = ReceiverReport;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], 7);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], reporterSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], block.Ssrc);
        var lost = Math.Clamp(block.CumulativeLost, -0x800000, 0x7FFFFF) & 0xFFFFFF;
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], ((uint)block.FractionLost << 24) | (uint)lost);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], block.ExtendedHighestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], block.Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], block.LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(destination[28..], block.DelaySinceLastSenderReport);
        // SDES with one chunk: ssrc, CNAME item, END, padded to 32 bits.
        var name = Encoding.ASCII.GetBytes(cname.Length > 255 ? cname[..255] : cname);
        var chunk = 4 + 2 + name.Length + 1;
        var padded = (chunk + 3) & ~3;
        var sdes = destination[32..];
        sdes[0] = 0x81;
        sdes[1] = SourceDescription;
        BinaryPrimitives.WriteUInt16BigEndian(sdes[2..], (ushort)(padded / 4));
        BinaryPrimitives.WriteUInt32BigEndian(sdes[4..], reporterSsrc);
        sdes[8] = 1;
        sdes[9] = (byte)name.Length;
        name.CopyTo(sdes[10..]);
        sdes.Slice(10 + name.Length, padded - chunk + 1).Clear();
        return 32 + 4 + padded;
    }

    /// <summary>Reads a compound RTCP packet; never throws.</summary>
    public static RtcpSummary Read(ReadOnlySpan<byte> data)
    {
        var hasSr = false;
        var hasBye = false;
        uint ssrc = 0, lsr = 0;
        var offset = 0;
        if (data.Length < 4) return new RtcpSummary(false, false, 0, 0, false, "RTCP packet shorter than 4 bytes");
        while (offset + 4 <= data.Length)
        {
            var header = data[offset..];
            if (header[0] >> 6 != 2) return new RtcpSummary(false, hasSr, ssrc, lsr, hasBye, "RTCP version is not 2");
            var length = (BinaryPrimitives.ReadUInt16BigEndian(header[2..]) + 1) * 4;
            if (offset + length > data.Length) return new RtcpSummary(false, hasSr, ssrc, lsr, hasBye, "RTCP length beyond the datagram");
            switch (header[1])
            {
                case SenderReport when length >= 28:
                    hasSr = true;
                    ssrc = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
                    // LSR: the middle 32 bits of the 64-bit NTP timestamp.
                    lsr = BinaryPrimitives.ReadUInt32BigEndian(header[10..]);
                    break;
                case Goodbye:
                    hasBye = true;
                    break;
            }
            offset += length;
        }
        return new RtcpSummary(true, hasSr, ssrc, lsr, hasBye, null);
    }
}
