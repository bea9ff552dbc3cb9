using System.Buffers.Binary;
using Appliance.Abstractions.Media;

namespace Appliance.Plugins.Rtsp.Protocol.Depacketizers;

/// <summary>H.264 RTP payload (RFC 6184): single NAL unit packets, STAP-A (§5.7.1) and FU-A (§5.8), packetization-mode 0 and 1.</summary>
public sealed class H264Depacketizer : NalUnitAssembler
{
    public const int SpsKind = 0;
    public const int PpsKind = 1;

    public H264Depacketizer(int track, AccessUnitPool units, IAccessUnitSink sink, IReadOnlyList<byte[]>? sdpParameterSets = null)
        : base(track, units, sink, 2)
    {
        if (sdpParameterSets is null) return;
        foreach (var set in sdpParameterSets)
        {
            if (set.Length == 0) continue;
            var kind = ParameterSetKind(set[0] & 0x1F);
            if (kind >= 0) ParameterSets.Update(kind, set);
        }
    }

    protected override void Depacketize(ReadOnlySpan<byte> payload)
    {
        if ((payload[0] & 0x80) != 0)
        {
            Malformed("H.264 forbidden_zero_bit set");
            return;
        }
        var type = payload[0] & 0x1F;
        switch (type)
        {
            case >= 1 and <= 23:
                WriteNal(payload);
                break;
            case 24:
                Aggregate(payload[1..]);
                break;
            case 28:
                Fragment(payload);
                break;
            case 25 or 26 or 27 or 29:
                Unsupported("STAP-B, MTAP and FU-B (interleaved mode) are not supported");
                break;
            default:
                Malformed("H.264 NAL unit type 0, 30 or 31 in RTP payload");
                break;
        }
    }

    private void Aggregate(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            BadAggregate("empty STAP-A");
            return;
        }
        while (!data.IsEmpty)
        {
            if (data.Length < 2)
            {
                BadAggregate("STAP-A truncated inside a NAL size");
                return;
            }
            var size = BinaryPrimitives.ReadUInt16BigEndian(data);
            if (size == 0 || size > data.Length - 2)
            {
                BadAggregate("STAP-A NAL size beyond the packet");
                return;
            }
            var nal = data.Slice(2, size);
            if ((nal[0] & 0x80) != 0 || (nal[0] & 0x1F) is 0 or >= 24)
            {
                BadAggregate("STAP-A holds an invalid NAL unit");
                return;
            }
            WriteNal(nal);
            data = data[(2 + size)..];
        }
    }

    private void Fragment(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 3)
        {
            Malformed("FU-A shorter than 3 bytes");
            return;
        }
        var fuHeader = payload[1];
        var start = (fuHeader & 0x80) != 0;
        var end = (fuHeader & 0x40) != 0;
        var nalType = fuHeader & 0x1F;
        if (nalType is 0 or >= 24)
        {
            Malformed("FU-A carries an invalid NAL unit type");
            return;
        }
        if (start)
        {
            Span<byte> header = [(byte)((payload[0] & 0xE0) | nalType)];
            BeginFragment(header, payload[2..]);
            if (end) EndFragment();
        }
        else
        {
            ContinueFragment(payload[2..], end);
        }
    }

    protected override int NalType(ReadOnlySpan<byte> nal) => nal[0] & 0x1F;

    protected override bool IsKeyframe(int nalType) => nalType == 5;

    protected override bool IsVcl(int nalType) => nalType is >= 1 and <= 5;

    protected override int ParameterSetKind(int nalType) => nalType switch { 7 => SpsKind, 8 => PpsKind, _ => -1 };
}
