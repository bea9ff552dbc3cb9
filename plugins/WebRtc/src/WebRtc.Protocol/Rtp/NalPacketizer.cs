using System.Buffers.Binary;

namespace Appliance.Plugins.WebRtc.Protocol.Rtp;

/// <summary>The NAL-unit video payload formats the packetizer writes.</summary>
public enum NalFormat { H264, H265 }

/// <summary>
/// RTP packetization of H.264 (RFC 6184, packetization-mode 1) and H.265 (RFC 7798, no DONL): a NAL unit that fits
/// the payload budget goes in a single NAL unit packet, a larger one is split into fragmentation units (H.264 FU-A,
/// type 28, one-byte header; H.265 FU, type 49, two-byte payload header). The marker bit is set on the last packet
/// of the access unit. Writes whole RTP packets (12-byte header) through a callback, reusing one buffer.
/// </summary>
public sealed class NalPacketizer
{
    private readonly int _maxPayload;
    private readonly byte[] _packet;
    private readonly NalFormat _format;

    /// <param name="maxPayload">Payload bytes per packet (the MTU budget minus headers and the SRTP trailer).</param>
    public NalPacketizer(int maxPayload = 1180, NalFormat format = NalFormat.H264)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayload, 16);
        _format = format;
        _maxPayload = maxPayload;
        _packet = new byte[12 + maxPayload];
    }

    /// <summary>
    /// Packetizes one access unit (Annex-B). <paramref name="emit"/> gets each packet (valid only during the call)
    /// and <paramref name="nextSequence"/> supplies sequence numbers. Returns the number of packets.
    /// </summary>
    public int Packetize(ReadOnlySpan<byte> accessUnit, uint timestamp, uint ssrc, byte payloadType, Func<ushort> nextSequence, PacketSink emit)
    {
        var nals = AnnexB.Split(accessUnit);
        var count = 0;
        for (var n = 0; n < nals.Count; n++)
        {
            var nal = accessUnit.Slice(nals[n].Offset, nals[n].Length);
            var lastNal = n == nals.Count - 1;
            if (nal.Length <= _maxPayload)
            {
                WriteHeader(lastNal, payloadType, nextSequence(), timestamp, ssrc);
                nal.CopyTo(_packet.AsSpan(12));
                emit(_packet.AsSpan(0, 12 + nal.Length));
                count++;
                continue;
            }
            if (_format == NalFormat.H265 && nal.Length >= 2)
            {
                count += FragmentH265(nal, lastNal, timestamp, ssrc, payloadType, nextSequence, emit);
                continue;
            }
            // FU-A: indicator keeps F and NRI with type 28, header keeps the NAL type with S/E bits.
            var indicator = (byte)((nal[0] & 0xE0) | 28);
            var type = (byte)(nal[0] & 0x1F);
            var body = nal[1..];
            var chunk = _maxPayload - 2;
            for (var offset = 0; offset < body.Length; offset += chunk)
            {
                var size = Math.Min(chunk, body.Length - offset);
                var first = offset == 0;
                var last = offset + size >= body.Length;
                WriteHeader(lastNal && last, payloadType, nextSequence(), timestamp, ssrc);
                _packet[12] = indicator;
                _packet[13] = (byte)((first ? 0x80 : 0) | (last ? 0x40 : 0) | type);
                body.Slice(offset, size).CopyTo(_packet.AsSpan(14));
                emit(_packet.AsSpan(0, 14 + size));
                count++;
            }
        }
        return count;
    }

    /// <summary>RFC 7798 4.4.3: payload header = the NAL header with type 49 (F, layer id and TID kept), FU header S|E|type.</summary>
    private int FragmentH265(ReadOnlySpan<byte> nal, bool lastNal, uint timestamp, uint ssrc, byte payloadType, Func<ushort> nextSequence, PacketSink emit)
    {
        var header0 = (byte)((nal[0] & 0x81) | (49 << 1));
        var header1 = nal[1];
        var type = (byte)((nal[0] >> 1) & 0x3F);
        var body = nal[2..];
        var chunk = _maxPayload - 3;
        var count = 0;
        for (var offset = 0; offset < body.Length; offset += chunk)
        {
            var size = Math.Min(chunk, body.Length - offset);
            var first = offset == 0;
            var last = offset + size >= body.Length;
            WriteHeader(lastNal && last, payloadType, nextSequence(), timestamp, ssrc);
            _packet[12] = header0;
            _packet[13] = header1;
            _packet[14] = (byte)((first ? 0x80 : 0) | (last ? 0x40 : 0) | type);
            body.Slice(offset, size).CopyTo(_packet.AsSpan(15));
            emit(_packet.AsSpan(0, 15 + size));
            count++;
        }
        return count;
    }

    private void WriteHeader(bool marker, byte payloadType, ushort sequence, uint timestamp, uint ssrc)
    {
        _packet[0] = 0x80;
        _packet[1] = (byte)((marker ? 0x80 : 0) | (payloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(_packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(_packet.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(_packet.AsSpan(8), ssrc);
    }
}

/// <summary>Receives one packet; the span is only valid during the call.</summary>
public delegate void PacketSink(ReadOnlySpan<byte> packet);
