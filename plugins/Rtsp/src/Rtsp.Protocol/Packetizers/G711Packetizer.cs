namespace Appliance.Plugins.Rtsp.Protocol.Packetizers;

/// <summary>
/// G.711 (PCMU payload type 0, PCMA 8; RFC 3551 §4.5.14): one byte per sample at 8 kHz, a frame split over packets
/// when larger than one, each packet's timestamp advanced by the samples before it. No marker (continuous audio).
/// </summary>
public sealed class G711Packetizer(byte payloadType, uint ssrc, ushort firstSequence, int maxPacketSize = 1400)
    : RtpPacketizer(payloadType, ssrc, firstSequence, maxPacketSize)
{
    public override void Packetize(ReadOnlySpan<byte> unit, uint rtpTimestamp, IRtpPacketSink sink)
    {
        var payload = PayloadArea[..MaxPayloadSize];
        var offset = 0;
        while (offset < unit.Length)
        {
            var take = Math.Min(unit.Length - offset, payload.Length);
            unit.Slice(offset, take).CopyTo(payload);
            Emit(take, false, rtpTimestamp + (uint)offset, sink);
            offset += take;
        }
    }
}
