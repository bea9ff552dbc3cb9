using System.Buffers.Binary;
using Appliance.Abstractions.Media;

namespace Appliance.Plugins.Rtsp.Protocol.Depacketizers;

/// <summary>
/// H.265 RTP payload (RFC 7798): single NAL unit packets, aggregation packets (§4.4.2) and fragmentation units
/// (§4.4.3). DONL/DOND fields are skipped when sprop-max-don-diff &gt; 0. PACI is not supported.
/// </summary>
public sealed class H265Depacketizer : NalUnitAssembler
{
    public const int VpsKind = 0;
    public const int SpsKind = 1;
    public const int PpsKind = 2;
    private readonly bool _donl;

    public H265Depacketizer(int track, AccessUnitPool units, IAccessUnitSink sink, IReadOnlyList<byte[]>? sdpParameterSets = null, bool donl = false)
        : base(track, units, sink, 3)
    {
        _donl = donl;
        if (sdpParameterSets is null) return;
        foreach (var set in sdpParameterSets)
        {
            if (set.Length < 2) continue;
            var kind = ParameterSetKind((set[0] >> 1) & 0x3F);
            if (kind >= 0) ParameterSets.Update(kind, set);
        }
    }

    protected override void Depacketize(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 3)
        {
            Malformed("H.265 payload shorter than 3 bytes");
            return;
        }
        if ((payload[0] & 0x80) != 0)
        {
            Malformed("H.265 forbidden_zero_bit set");
            return;
        }
        var type = (payload[0] >> 1) & 0x3F;
        switch (type)
        {
            case < 48:
                WriteNal(payload);
                break;
            case 48:
                Aggregate(payload[2..]);
                break;
            case 49:
                Fragment(payload);
                break;
            default:
                Unsupported("H.265 PACI and reserved payload types are not supported");
                break;
        }
    }

    private void Aggregate(ReadOnlySpan<byte> data)
    {
        var first = true;
        if (data.IsEmpty)
        {
            BadAggregate("empty aggregation packet");
            return;
        }
        while (!data.IsEmpty)
        {
            var skip = _donl ? (first ? 2 : 1) : 0;
            first = false;
            if (data.Length < skip + 2)
            {
                BadAggregate("aggregation packet truncated inside a NAL size");
                return;
            }
            data = data[skip..];
            var size = BinaryPrimitives.ReadUInt16BigEndian(data);
            if (size < 2 || size > data.Length - 2)
            {
                BadAggregate("aggregation packet NAL size beyond the packet");
                return;
            }
            var nal = data.Slice(2, size);
            if ((nal[0] & 0x80) != 0 || ((nal[0] >> 1) & 0x3F) >= 48)
            {
                BadAggregate("aggregation packet holds an invalid NAL unit");
                return;
            }
            WriteNal(nal);
            data = data[(2 + size)..];
        }
    }

    private void Fragment(ReadOnlySpan<byte> payload)
    {
        var dataStart = 3 + (_donl ? 2 : 0);
        if (payload.Length <= dataStart)
        {
            Malformed("H.265 fragmentation unit too short");
            return;
        }
        var fuHeader = payload[2];
        var start = (fuHeader & 0x80) != 0;
        var end = (fuHeader & 0x40) != 0;
        var nalType = fuHeader & 0x3F;
        if (nalType >= 48)
        {
            Malformed("H.265 fragmentation unit carries an invalid NAL unit type");
            return;
        }
        if (start)
        {
            Span<byte> header = [(byte)((payload[0] & 0x81) | (nalType << 1)), payload[1]];
            BeginFragment(header, payload[dataStart..]);
            if (end) EndFragment();
        }
        else
        {
            ContinueFragment(payload[dataStart..], end);
        }
    }

    protected override int NalType(ReadOnlySpan<byte> nal) => (nal[0] >> 1) & 0x3F;

    protected override bool IsKeyframe(int nalType) => nalType is >= 16 and <= 21;

    protected override bool IsVcl(int nalType) => nalType < 32;

    protected override int ParameterSetKind(int nalType) => nalType switch { 32 => VpsKind, 33 => SpsKind, 34 => PpsKind, _ => -1 };
}
