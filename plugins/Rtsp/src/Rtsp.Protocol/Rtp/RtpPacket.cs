using System.Buffers.Binary;

namespace Appliance.Plugins.Rtsp.Protocol.Rtp;

public enum RtpParseError { None, TooShort, BadVersion, CsrcBeyondPacket, ExtensionBeyondPacket, BadPadding }

/// <summary>An RTP packet (RFC 3550 §5.1) viewed over the received bytes; no copy.</summary>
public readonly ref struct RtpPacket
{
    private RtpPacket(ReadOnlySpan<byte> payload, bool marker, byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc)
    {
        Payload = payload;
        Marker = marker;
        PayloadType = payloadType;
        SequenceNumber = sequenceNumber;
        Timestamp = timestamp;
        Ssrc = ssrc;
    }

    public ReadOnlySpan<byte> Payload { get; }
    public bool Marker { get; }
    public byte PayloadType { get; }
    public ushort SequenceNumber { get; }
    public uint Timestamp { get; }
    public uint Ssrc { get; }

    /// <summary>Parses the fixed header, skips CSRCs and the header extension, strips padding.</summary>
    public static RtpParseError TryParse(ReadOnlySpan<byte> data, out RtpPacket packet)
    {
        packet = default;
        if (data.Length < 12) return RtpParseError.TooShort;
        var b0 = data[0];
        if (b0 >> 6 != 2) return RtpParseError.BadVersion;
        var offset = 12 + 4 * (b0 & 0x0F);
        if (offset > data.Length) return RtpParseError.CsrcBeyondPacket;
        if ((b0 & 0x10) != 0)
        {
            if (offset + 4 > data.Length) return RtpParseError.ExtensionBeyondPacket;
            var words = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(offset + 2, 2));
            offset += 4 + 4 * words;
            if (offset > data.Length) return RtpParseError.ExtensionBeyondPacket;
        }
        var end = data.Length;
        if ((b0 & 0x20) != 0)
        {
            var padding = data[^1];
            if (padding == 0 || end - padding < offset) return RtpParseError.BadPadding;
            end -= padding;
        }
        packet = new RtpPacket(
            data[offset..end],
            (data[1] & 0x80) != 0,
            (byte)(data[1] & 0x7F),
            BinaryPrimitives.ReadUInt16BigEndian(data.Slice(2, 2)),
            BinaryPrimitives.ReadUInt32BigEndian(data.Slice(4, 4)),
            BinaryPrimitives.ReadUInt32BigEndian(data.Slice(8, 4)));
        return RtpParseError.None;
    }

    /// <summary>Writes a minimal RTP header (no CSRC, no extension) followed by <paramref name="payload"/>; returns the length.</summary>
    public static int Write(Span<byte> destination, bool marker, byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc, ReadOnlySpan<byte> payload)
    {
        destination[0] = 0x80;
        destination[1] = (byte)((marker ? 0x80 : 0) | (payloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ssrc);
        payload.CopyTo(destination[12..]);
        return 12 + payload.Length;
    }
}
