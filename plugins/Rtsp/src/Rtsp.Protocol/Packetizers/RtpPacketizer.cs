using System.Buffers.Binary;

namespace Appliance.Plugins.Rtsp.Protocol.Packetizers;

/// <summary>Receives the RTP packets a packetizer makes, one at a time; the span is valid only during the call.</summary>
public interface IRtpPacketSink
{
    void OnPacket(ReadOnlySpan<byte> packet);
}

/// <summary>
/// Turns access units of one track into RTP packets (RFC 3550 header, no CSRC or extension) of at most
/// <see cref="MaxPacketSize"/> bytes. Owns the track's sequence number and SSRC; the caller gives the RTP
/// timestamp. Not thread-safe: one packetizer per track and session, used by one sender.
/// </summary>
public abstract class RtpPacketizer
{
    /// <summary>RTP fixed header size.</summary>
    public const int HeaderSize = 12;

    private readonly byte[] _packet;

    protected RtpPacketizer(byte payloadType, uint ssrc, ushort firstSequence, int maxPacketSize)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadType, (byte)127);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPacketSize, 64);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPacketSize, 65535);
        PayloadType = payloadType;
        Ssrc = ssrc;
        NextSequence = firstSequence;
        MaxPacketSize = maxPacketSize;
        _packet = new byte[maxPacketSize];
    }

    public byte PayloadType { get; }

    public uint Ssrc { get; }

    public int MaxPacketSize { get; }

    /// <summary>Largest payload one packet carries.</summary>
    public int MaxPayloadSize => MaxPacketSize - HeaderSize;

    /// <summary>Sequence number of the next packet.</summary>
    public ushort NextSequence { get; private set; }

    /// <summary>Packets made so far (for RTCP sender reports).</summary>
    public uint PacketCount { get; private set; }

    /// <summary>Payload octets made so far (for RTCP sender reports).</summary>
    public uint OctetCount { get; private set; }

    /// <summary>Packetizes one access unit (<paramref name="unit"/>: Annex-B NAL units or one audio frame).</summary>
    public abstract void Packetize(ReadOnlySpan<byte> unit, uint rtpTimestamp, IRtpPacketSink sink);

    /// <summary>The payload area of the packet being built (write at most <see cref="MaxPayloadSize"/> bytes).</summary>
    protected Span<byte> PayloadArea => _packet.AsSpan(HeaderSize);

    /// <summary>Fills in the header of the packet whose payload (<paramref name="payloadLength"/> bytes) is in
    /// <see cref="PayloadArea"/> and hands it to the sink.</summary>
    protected void Emit(int payloadLength, bool marker, uint rtpTimestamp, IRtpPacketSink sink)
    {
        var p = _packet.AsSpan();
        p[0] = 0x80;
        p[1] = (byte)((marker ? 0x80 : 0) | PayloadType);
        BinaryPrimitives.WriteUInt16BigEndian(p[2..], NextSequence);
        BinaryPrimitives.WriteUInt32BigEndian(p[4..], rtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(p[8..], Ssrc);
        NextSequence++;
        PacketCount++;
        OctetCount += (uint)payloadLength;
        sink.OnPacket(p[..(HeaderSize + payloadLength)]);
    }
}
