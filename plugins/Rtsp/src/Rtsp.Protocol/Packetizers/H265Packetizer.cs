namespace Appliance.Plugins.Rtsp.Protocol.Packetizers;

/// <summary>
/// H.265 in RTP (RFC 7798, sprop-max-don-diff 0): single NAL unit packets (§4.4.1), aggregation packets of small NAL
/// units (type 48, §4.4.2), fragmentation units (type 49, §4.4.3). The marker bit ends the access unit. Access
/// unit delimiters (type 35) are dropped.
/// </summary>
public sealed class H265Packetizer(byte payloadType, uint ssrc, ushort firstSequence, int maxPacketSize = 1400)
    : NalPacketizer(payloadType, ssrc, firstSequence, maxPacketSize, nalHeaderSize: 2)
{
    private static int TypeOf(ReadOnlySpan<byte> nal) => (nal[0] >> 1) & 0x3F;

    protected override bool IsDroppable(ReadOnlySpan<byte> nal) => TypeOf(nal) == 35;

    protected override int WriteAggregationHeader(Span<byte> payload, ReadOnlySpan<byte> firstNal)
    {
        // PayloadHdr: F = 0 (raised on add), Type = 48, LayerId and TID of the first NAL (lowest of all in practice).
        payload[0] = (byte)((firstNal[0] & 0x81) | (48 << 1));
        payload[1] = firstNal[1];
        return 2;
    }

    protected override void RaiseAggregationHeader(Span<byte> payload, ReadOnlySpan<byte> nal)
    {
        payload[0] |= (byte)(nal[0] & 0x80);
        if ((nal[1] & 0x07) < (payload[1] & 0x07)) payload[1] = (byte)((payload[1] & 0xF8) | (nal[1] & 0x07));
    }

    protected override int WriteFragmentHeader(Span<byte> payload, ReadOnlySpan<byte> nal, bool start, bool end)
    {
        payload[0] = (byte)((nal[0] & 0x81) | (49 << 1));
        payload[1] = nal[1];
        payload[2] = (byte)((start ? 0x80 : 0) | (end ? 0x40 : 0) | TypeOf(nal));
        return 3;
    }
}
