using System.Buffers.Binary;
using System.Text;

namespace Appliance.Plugins.Rtsp.Protocol.Server;

/// <summary>
/// A compound RTCP packet of a sender (RFC 3550 §6.4.1 SR without report blocks, then SDES with CNAME, §6.5):
/// the NTP time of <c>captureUnixMicroseconds</c> paired with the RTP timestamp of the same frame, so a receiver
/// maps RTP time to the capture wall clock.
/// </summary>
public static class RtcpSenderReport
{
    /// <summary>Seconds from the NTP era (1900) to the Unix epoch.</summary>
    public const long NtpUnixOffsetSeconds = 2208988800L;

    /// <summary>Largest compound this writer makes (CNAME up to 255 bytes).</summary>
    public const int MaxSize = 28 + 12 + 256;

    /// <summary>The 64-bit NTP timestamp of a Unix time in microseconds.</summary>
    public static ulong ToNtp(long unixMicroseconds)
    {
        var seconds = (ulong)(unixMicroseconds / 1_000_000 + NtpUnixOffsetSeconds);
        var micros = (ulong)(unixMicroseconds % 1_000_000);
        return (seconds << 32) | ((micros << 32) / 1_000_000);
    }

    /// <summary>The Unix time in microseconds of a 64-bit NTP timestamp (inverse of <see cref="ToNtp"/>, to 1 µs).</summary>
    public static long FromNtp(ulong ntp)
    {
        var seconds = (long)(ntp >> 32) - NtpUnixOffsetSeconds;
        var fraction = (long)(((ntp & 0xFFFFFFFF) * 1_000_000 + 0x80000000) >> 32);
        return seconds * 1_000_000 + fraction;
    }

    /// <summary>Writes the compound; returns its length.</summary>
    public static int Write(Span<byte> destination, uint ssrc, long captureUnixMicroseconds, uint rtpTimestamp, uint packetCount, uint octetCount, string cname)
    {
        destination[0] = 0x80; // V=2, RC=0
        destination[1] = 200;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], 6);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], ToNtp(captureUnixMicroseconds));
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], rtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], packetCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], octetCount);

        var name = Encoding.UTF8.GetBytes(cname);
        if (name.Length > 255) name = name[..255];
        var sdes = destination[28..];
        var itemBytes = 2 + name.Length + 1; // type, length, text, end-of-list
        var chunk = 4 + itemBytes;
        var padded = (chunk + 3) & ~3;
        sdes[0] = 0x81; // V=2, SC=1
        sdes[1] = 202;
        BinaryPrimitives.WriteUInt16BigEndian(sdes[2..], (ushort)(padded / 4));
        BinaryPrimitives.WriteUInt32BigEndian(sdes[4..], ssrc);
        sdes[8] = 1; // CNAME
        sdes[9] = (byte)name.Length;
        name.CopyTo(sdes[10..]);
        sdes.Slice(10 + name.Length, padded - chunk + 1).Clear();
        return 28 + 4 + padded;
    }
}
