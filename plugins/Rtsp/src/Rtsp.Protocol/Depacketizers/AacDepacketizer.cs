using Appliance.Abstractions;
using System.Buffers.Binary;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Rtp;

namespace Appliance.Plugins.Rtsp.Protocol.Depacketizers;

/// <summary>
/// MPEG-4 AAC in RTP (RFC 3640, mode AAC-hbr / AAC-lbr): AU-headers section (§3.2.1), one access unit per AU
/// header, a unit fragmented over several packets reassembled (§3.2.3). Units are raw AAC frames (no ADTS);
/// the AudioSpecificConfig is the track's parameter.
/// </summary>
public sealed class AacDepacketizer : RtpDepacketizer
{
    private const int MaxUnitsPerPacket = 64;
    private readonly int _sizeLength;
    private readonly int _indexLength;
    private readonly int _indexDeltaLength;
    private readonly int _samplesPerFrame;
    private AccessUnit? _fragment;
    private int _fragmentSize;
    private long _fragmentTimestamp;

    public AacDepacketizer(int track, AccessUnitPool units, IAccessUnitSink sink, int sizeLength, int indexLength, int indexDeltaLength, int samplesPerFrame = 1024)
        : base(track, units, sink)
    {
        if (sizeLength is < 1 or > 16) throw new ArgumentOutOfRangeException(nameof(sizeLength));
        if (indexLength is < 0 or > 8 || indexDeltaLength is < 0 or > 8) throw new ArgumentOutOfRangeException(nameof(indexLength));
        _sizeLength = sizeLength;
        _indexLength = indexLength;
        _indexDeltaLength = indexDeltaLength;
        _samplesPerFrame = samplesPerFrame;
    }

    /// <summary>Builds one from the fmtp (sizelength, indexlength, indexdeltalength); or why it is unusable.</summary>
    public static Result<AacDepacketizer> FromFmtp(int track, AccessUnitPool units, IAccessUnitSink sink, IReadOnlyDictionary<string, string> fmtp)
    {
        static int Get(IReadOnlyDictionary<string, string> f, string key, int fallback) =>
            f.TryGetValue(key, out var v) && int.TryParse(v, out var n) ? n : fallback;
        var sizeLength = Get(fmtp, "sizelength", -1);
        var indexLength = Get(fmtp, "indexlength", 0);
        var indexDeltaLength = Get(fmtp, "indexdeltalength", 0);
        if (sizeLength is < 1 or > 16) return Result<AacDepacketizer>.Fail("unsupported", "AAC fmtp needs sizelength between 1 and 16");
        if (indexLength is < 0 or > 8 || indexDeltaLength is < 0 or > 8) return Result<AacDepacketizer>.Fail("unsupported", "AAC fmtp indexlength/indexdeltalength out of range");
        return new AacDepacketizer(track, units, sink, sizeLength, indexLength, indexDeltaLength);
    }

    public override void Push(in RtpPacket packet, long timestamp)
    {
        Counters.Packets++;
        var payload = packet.Payload;
        if (payload.Length < 2)
        {
            Malformed("AAC payload shorter than the AU-headers-length field");
            return;
        }
        var headerBits = BinaryPrimitives.ReadUInt16BigEndian(payload);
        var headerBytes = (headerBits + 7) / 8;
        if (headerBits == 0 || 2 + headerBytes > payload.Length)
        {
            Malformed("AAC AU-headers section beyond the packet");
            DropFragment();
            return;
        }
        var headers = payload.Slice(2, headerBytes);
        var data = payload[(2 + headerBytes)..];

        if (_fragment is not null)
        {
            if (timestamp != _fragmentTimestamp)
            {
                DropFragment();
            }
            else
            {
                ContinueFragment(data);
                return;
            }
        }

        var bit = 0;
        var index = 0;
        while (bit + _sizeLength <= headerBits)
        {
            if (index >= MaxUnitsPerPacket)
            {
                Malformed("more than 64 AAC units in one packet");
                return;
            }
            var size = (int)ReadBits(headers, ref bit, _sizeLength);
            var indexBits = index == 0 ? _indexLength : _indexDeltaLength;
            if (bit + indexBits > headerBits)
            {
                Malformed("AAC AU header truncated");
                return;
            }
            ReadBits(headers, ref bit, indexBits);
            var unitTimestamp = timestamp + (long)index * _samplesPerFrame;
            if (size == 0)
            {
                Malformed("AAC access unit of size 0");
                return;
            }
            if (size > data.Length)
            {
                if (index == 0 && bit + _sizeLength > headerBits)
                {
                    // One header announcing more than this packet carries: the start of a fragmented unit.
                    _fragment = RentUnit(size, unitTimestamp, true);
                    _fragmentSize = size;
                    _fragmentTimestamp = timestamp;
                    _fragment.Append(data);
                    return;
                }
                Malformed("AAC access unit size beyond the packet");
                return;
            }
            var unit = RentUnit(size, unitTimestamp, true);
            unit.Append(data[..size]);
            Emit(unit);
            data = data[size..];
            index++;
        }
    }

    public override void OnLoss() => DropFragment();

    public override void Reset()
    {
        _fragment?.Release();
        _fragment = null;
    }

    private void ContinueFragment(ReadOnlySpan<byte> data)
    {
        var fragment = _fragment!;
        var needed = _fragmentSize - fragment.Length;
        if (data.Length > needed)
        {
            Malformed("AAC fragment longer than its announced size");
            DropFragment();
            return;
        }
        fragment.Append(data);
        if (fragment.Length == _fragmentSize)
        {
            _fragment = null;
            Emit(fragment);
        }
    }

    private void DropFragment()
    {
        if (_fragment is null) return;
        Counters.DamagedUnitsDropped++;
        Counters.LastError = "fragmented AAC unit incomplete";
        Reset();
    }

    private static uint ReadBits(ReadOnlySpan<byte> data, ref int bit, int count)
    {
        uint value = 0;
        for (var i = 0; i < count; i++, bit++)
            value = (value << 1) | (uint)((data[bit >> 3] >> (7 - (bit & 7))) & 1);
        return value;
    }
}
