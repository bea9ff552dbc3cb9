using System.Buffers.Binary;

namespace Appliance.Plugins.WebRtc.Protocol.Rtcp;

/// <summary>Writes an RTCP sender report (RFC 3550 6.4.1, no report blocks) followed by an SDES CNAME, as one compound packet.</summary>
public static class SenderReport
{
    /// <summary>Writes into <paramref name="buffer"/> and returns the length.</summary>
    public static int Write(Span<byte> buffer, uint ssrc, ulong ntpTimestamp, uint rtpTimestamp, uint packets, uint octets, string cname)
    {
        buffer[0] = 0x80;
        buffer[1] = 200;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], 6);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(buffer[8..], ntpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[16..], rtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[20..], packets);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[24..], octets);
        var sdes = buffer[28..];
        var name = System.Text.Encoding.ASCII.GetBytes(cname);
        var itemLength = 4 + 2 + name.Length + 1; // ssrc, type+len, text, end
        var padded = (itemLength + 3) & ~3;
        sdes[0] = 0x81;
        sdes[1] = 202;
        BinaryPrimitives.WriteUInt16BigEndian(sdes[2..], (ushort)(padded / 4));
        BinaryPrimitives.WriteUInt32BigEndian(sdes[4..], ssrc);
        sdes[8] = 1;
        sdes[9] = (byte)name.Length;
        name.CopyTo(sdes[10..]);
        sdes.Slice(10 + name.Length, padded - itemLength + 1).Clear();
        return 28 + 4 + padded;
    }

    /// <summary>NTP 64-bit timestamp (seconds since 1900 in the high word) for a wall-clock time.</summary>
    public static ulong ToNtp(DateTimeOffset time)
    {
        var since1900 = time.UtcDateTime - new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var seconds = (ulong)since1900.Ticks / TimeSpan.TicksPerSecond;
        var fraction = (ulong)(since1900.Ticks % TimeSpan.TicksPerSecond) * (1UL << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }
}
