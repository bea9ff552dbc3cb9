namespace Appliance.Plugins.Rtsp.Protocol.Packetizers;

/// <summary>
/// What RFC 6184 (H.264) and RFC 7798 (H.265) share: each Annex-B NAL unit is sent alone, aggregated with its small
/// neighbours (16-bit size before each), or fragmented; the codec supplies the headers.
/// </summary>
public abstract class NalPacketizer : RtpPacketizer
{
    private readonly int _nalHeaderSize;

    protected NalPacketizer(byte payloadType, uint ssrc, ushort firstSequence, int maxPacketSize, int nalHeaderSize)
        : base(payloadType, ssrc, firstSequence, maxPacketSize) => _nalHeaderSize = nalHeaderSize;

    public override void Packetize(ReadOnlySpan<byte> unit, uint rtpTimestamp, IRtpPacketSink sink)
    {
        var reader = new AnnexBReader(unit);
        var payload = PayloadArea[..MaxPayloadSize];
        var aggregated = 0; // NAL units in the pending aggregation packet
        var length = 0;     // bytes pending in the payload area (single NAL or aggregation)
        ReadOnlySpan<byte> pendingSingle = default;
        var hasNal = reader.TryNext(out var nal);
        while (hasNal)
        {
            var current = nal;
            hasNal = reader.TryNext(out nal);
            while (hasNal && (nal.Length < _nalHeaderSize || IsDroppable(nal))) hasNal = reader.TryNext(out nal);
            if (current.Length < _nalHeaderSize || IsDroppable(current)) continue;
            var last = !hasNal;

            if (aggregated > 0 || !pendingSingle.IsEmpty)
            {
                // Try to add to the pending packet (turning a pending single NAL into an aggregation).
                var needed = 2 + current.Length + (aggregated == 0 ? _nalHeaderSize + 2 + pendingSingle.Length : 0);
                if (length + needed <= payload.Length)
                {
                    if (aggregated == 0)
                    {
                        length = StartAggregation(payload, pendingSingle);
                        pendingSingle = default;
                        aggregated = 1;
                    }
                    length = Aggregate(payload, length, current);
                    aggregated++;
                    if (last)
                    {
                        Emit(length, true, rtpTimestamp, sink);
                        aggregated = 0;
                        length = 0;
                    }
                    continue;
                }
                FlushPending(payload, ref length, ref aggregated, ref pendingSingle, rtpTimestamp, sink);
            }

            if (current.Length > payload.Length)
            {
                Fragment(current, last, rtpTimestamp, sink);
                continue;
            }
            if (last)
            {
                current.CopyTo(payload);
                Emit(current.Length, true, rtpTimestamp, sink);
                continue;
            }
            // Hold it: the next one may join it in an aggregation packet.
            pendingSingle = current;
        }
        if (aggregated > 0 || !pendingSingle.IsEmpty)
            FlushPending(payload, ref length, ref aggregated, ref pendingSingle, rtpTimestamp, sink, marker: true);
    }

    private void FlushPending(Span<byte> payload, ref int length, ref int aggregated, ref ReadOnlySpan<byte> pendingSingle,
        uint rtpTimestamp, IRtpPacketSink sink, bool marker = false)
    {
        if (aggregated > 0)
        {
            Emit(length, marker, rtpTimestamp, sink);
        }
        else
        {
            pendingSingle.CopyTo(payload);
            Emit(pendingSingle.Length, marker, rtpTimestamp, sink);
        }
        aggregated = 0;
        length = 0;
        pendingSingle = default;
    }

    private int StartAggregation(Span<byte> payload, ReadOnlySpan<byte> first)
    {
        var header = WriteAggregationHeader(payload, first);
        return Aggregate(payload, header, first);
    }

    private int Aggregate(Span<byte> payload, int at, ReadOnlySpan<byte> nal)
    {
        RaiseAggregationHeader(payload, nal);
        payload[at] = (byte)(nal.Length >> 8);
        payload[at + 1] = (byte)nal.Length;
        nal.CopyTo(payload[(at + 2)..]);
        return at + 2 + nal.Length;
    }

    private void Fragment(ReadOnlySpan<byte> nal, bool lastOfUnit, uint rtpTimestamp, IRtpPacketSink sink)
    {
        var payload = PayloadArea[..MaxPayloadSize];
        var body = nal[_nalHeaderSize..];
        var start = true;
        while (!body.IsEmpty)
        {
            var header = _nalHeaderSize + 1;
            var take = Math.Min(body.Length, payload.Length - header);
            var end = take == body.Length;
            WriteFragmentHeader(payload, nal, start, end);
            body[..take].CopyTo(payload[header..]);
            Emit(header + take, end && lastOfUnit, rtpTimestamp, sink);
            body = body[take..];
            start = false;
        }
    }

    /// <summary>NAL units not worth sending (access unit delimiters).</summary>
    protected abstract bool IsDroppable(ReadOnlySpan<byte> nal);

    /// <summary>Writes the aggregation packet's header for a packet starting with <paramref name="firstNal"/>; returns its size.</summary>
    protected abstract int WriteAggregationHeader(Span<byte> payload, ReadOnlySpan<byte> firstNal);

    /// <summary>Adjusts the aggregation header for one more NAL unit (F bit, NRI or TID).</summary>
    protected abstract void RaiseAggregationHeader(Span<byte> payload, ReadOnlySpan<byte> nal);

    /// <summary>Writes the fragmentation headers (FU indicator + FU header, or PayloadHdr + FU header); returns their size.</summary>
    protected abstract int WriteFragmentHeader(Span<byte> payload, ReadOnlySpan<byte> nal, bool start, bool end);
}
