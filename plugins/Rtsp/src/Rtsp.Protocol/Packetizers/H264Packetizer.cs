namespace Appliance.Plugins.Rtsp.Protocol.Packetizers;

/// <summary>
/// H.264 in RTP, packetization-mode 1 (RFC 6184): a NAL unit that fits goes alone (§5.6), small consecutive NAL
/// units (SPS, PPS, SEI) go together in a STAP-A (§5.7.1), a NAL unit larger than a packet goes in FU-A fragments
/// (§5.8). The marker bit is set on the last packet of the access unit. Access unit delimiters are dropped (§6.3
/// allows it; receivers re-derive access unit boundaries from the marker and timestamp).
/// </summary>
public sealed class H264Packetizer(byte payloadType, uint ssrc, ushort firstSequence, int maxPacketSize = 1400)
    : NalPacketizer(payloadType, ssrc, firstSequence, maxPacketSize, nalHeaderSize: 1)
{
    protected override bool IsDroppable(ReadOnlySpan<byte> nal) => (nal[0] & 0x1F) == 9;

    protected override int WriteAggregationHeader(Span<byte> payload, ReadOnlySpan<byte> firstNal)
    {
        // STAP-A: F and NRI of the highest NRI carried; the first NAL's NRI is a good-enough lower bound, raised on add.
        payload[0] = (byte)((firstNal[0] & 0xE0) | 24);
        return 1;
    }

    protected override void RaiseAggregationHeader(Span<byte> payload, ReadOnlySpan<byte> nal)
    {
        var nri = Math.Max(payload[0] & 0x60, nal[0] & 0x60);
        payload[0] = (byte)((payload[0] & 0x9F) | nri | (nal[0] & 0x80));
    }

    protected override int WriteFragmentHeader(Span<byte> payload, ReadOnlySpan<byte> nal, bool start, bool end)
    {
        payload[0] = (byte)((nal[0] & 0xE0) | 28);
        payload[1] = (byte)((start ? 0x80 : 0) | (end ? 0x40 : 0) | (nal[0] & 0x1F));
        return 2;
    }
}
