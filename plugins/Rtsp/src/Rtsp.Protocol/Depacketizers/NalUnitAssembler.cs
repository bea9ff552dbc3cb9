using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Codecs;
using Appliance.Plugins.Rtsp.Protocol.Rtp;

namespace Appliance.Plugins.Rtsp.Protocol.Depacketizers;

/// <summary>
/// Shared assembly of NAL units into Annex-B access units for H.264 and H.265: a unit ends at the RTP marker
/// bit or a timestamp change; parameter sets are tracked and written before a keyframe that lacks them; a unit
/// damaged by loss or a broken fragment is dropped whole and counted.
/// </summary>
public abstract class NalUnitAssembler : RtpDepacketizer
{
    private static ReadOnlySpan<byte> StartCode => [0, 0, 0, 1];
    private readonly bool[] _setsInUnit;
    private AccessUnit? _unit;
    private long _timestamp;
    private bool _haveTimestamp;
    private bool _hasVcl;
    private bool _damaged;
    private bool _lossPending;
    private bool _fragmentActive;
    private int _fragmentKind = -1;
    private int _fragmentStart;
    private int _sizeHint = 16 * 1024;
    private bool _keyframeSeen;

    protected NalUnitAssembler(int track, AccessUnitPool units, IAccessUnitSink sink, int parameterSetKinds)
        : base(track, units, sink)
    {
        ParameterSets = new ParameterSetTracker(parameterSetKinds);
        _setsInUnit = new bool[parameterSetKinds];
    }

    public ParameterSetTracker ParameterSets { get; }

    /// <summary>Drop units until the first keyframe (default), so a stream (and each reconnect) starts decodable.</summary>
    public bool StartAtKeyframe { get; set; } = true;

    /// <summary>Units dropped because no keyframe had been seen yet.</summary>
    public long UnitsBeforeKeyframe { get; private set; }

    protected bool FragmentActive => _fragmentActive;

    public sealed override void Push(in RtpPacket packet, long timestamp)
    {
        Counters.Packets++;
        if (_haveTimestamp && timestamp != _timestamp) FinishUnit();
        if (_lossPending)
        {
            _lossPending = false;
            _damaged = true;
        }
        _timestamp = timestamp;
        _haveTimestamp = true;
        if (packet.Payload.IsEmpty) Malformed("empty RTP payload");
        else Depacketize(packet.Payload);
        if (packet.Marker) FinishUnit();
    }

    public sealed override void OnLoss()
    {
        if (_unit is not null || _fragmentActive) _damaged = true;
        else _lossPending = true;
    }

    public sealed override void Reset()
    {
        _unit?.Release();
        _unit = null;
        ClearUnitState();
        _haveTimestamp = false;
        _lossPending = false;
    }

    /// <summary>Splits one payload into NAL units and fragments (codec-specific).</summary>
    protected abstract void Depacketize(ReadOnlySpan<byte> payload);

    /// <summary>NAL type from the NAL header.</summary>
    protected abstract int NalType(ReadOnlySpan<byte> nal);

    protected abstract bool IsKeyframe(int nalType);

    protected abstract bool IsVcl(int nalType);

    /// <summary>Index of the parameter set kind (0..kinds-1), or -1.</summary>
    protected abstract int ParameterSetKind(int nalType);

    /// <summary>A complete NAL unit (with its header).</summary>
    protected void WriteNal(ReadOnlySpan<byte> nal)
    {
        var type = NalType(nal);
        var kind = ParameterSetKind(type);
        if (kind >= 0)
        {
            ParameterSets.Update(kind, nal);
            _setsInUnit[kind] = true;
        }
        if (!BeginNal(type)) return;
        Append(nal);
    }

    /// <summary>The first fragment of a NAL unit: its reconstructed header and first payload bytes.</summary>
    protected void BeginFragment(ReadOnlySpan<byte> header, ReadOnlySpan<byte> data)
    {
        if (_fragmentActive)
        {
            Counters.UnfinishedFragments++;
            Counters.LastError = "fragmented NAL unit started before the previous one ended";
            _damaged = true;
        }
        var type = NalType(header);
        if (!BeginNal(type)) return;
        _fragmentActive = true;
        _fragmentKind = ParameterSetKind(type);
        _fragmentStart = _unit!.Length - StartCode.Length;
        Append(header);
        Append(data);
    }

    protected void ContinueFragment(ReadOnlySpan<byte> data, bool end)
    {
        if (!_fragmentActive)
        {
            Counters.FragmentsWithoutStart++;
            Counters.LastError = "fragment without a start fragment";
            _damaged = true;
            return;
        }
        Append(data);
        if (end) EndFragment();
    }

    protected void EndFragment()
    {
        if (!_fragmentActive) return;
        _fragmentActive = false;
        if (_fragmentKind >= 0 && _unit is not null)
        {
            ParameterSets.Update(_fragmentKind, _unit.Payload.Span[(_fragmentStart + StartCode.Length)..]);
            _setsInUnit[_fragmentKind] = true;
        }
    }

    protected void BadAggregate(string error)
    {
        Counters.BadAggregates++;
        Counters.LastError = error;
        _damaged = true;
    }

    protected void Unsupported(string error)
    {
        Counters.UnsupportedPackets++;
        Counters.LastError = error;
        _damaged = true;
    }

    private bool BeginNal(int type)
    {
        var key = IsKeyframe(type);
        EnsureUnit(key);
        if (key)
        {
            // A keyframe must be decodable alone: put the tracked parameter sets in front if the unit lacks them.
            for (var kind = 0; kind < _setsInUnit.Length; kind++)
            {
                if (_setsInUnit[kind] || !ParameterSets.Has(kind)) continue;
                AppendWithStartCode(ParameterSets.Get(kind));
                _setsInUnit[kind] = true;
            }
        }
        if (IsVcl(type)) _hasVcl = true;
        if (_unit!.Length + StartCode.Length > MaxUnitBytes) return Oversize();
        _unit.Append(StartCode);
        return true;
    }

    private void EnsureUnit(bool key)
    {
        if (_unit is null)
        {
            _unit = RentUnit(_sizeHint, _timestamp, key);
            return;
        }
        if (key && !_unit.IsKeyframe)
        {
            // The keyframe NAL arrives after a few small NALs (AUD, SEI, parameter sets): re-rent as a keyframe.
            var upgraded = RentUnit(Math.Max(_sizeHint, _unit.Length * 2), _timestamp, true);
            upgraded.Append(_unit.Payload.Span);
            _unit.Release();
            _unit = upgraded;
        }
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (_unit is null) return;
        if (_unit.Length + data.Length > MaxUnitBytes)
        {
            Oversize();
            return;
        }
        _unit.Append(data);
    }

    private void AppendWithStartCode(ReadOnlySpan<byte> nal)
    {
        _unit!.Append(StartCode);
        _unit.Append(nal);
    }

    private bool Oversize()
    {
        Counters.OversizedUnits++;
        Counters.LastError = "access unit larger than 16 MiB";
        _damaged = true;
        return false;
    }

    private void FinishUnit()
    {
        var unit = _unit;
        _unit = null;
        if (_fragmentActive)
        {
            Counters.UnfinishedFragments++;
            Counters.LastError = "access unit ended inside a fragmented NAL unit";
            _damaged = true;
        }
        if (unit is not null)
        {
            if (_damaged || !_hasVcl)
            {
                if (_damaged) Counters.DamagedUnitsDropped++;
                unit.Release();
            }
            else if (StartAtKeyframe && !_keyframeSeen && !unit.IsKeyframe)
            {
                UnitsBeforeKeyframe++;
                unit.Release();
            }
            else
            {
                _keyframeSeen = true;
                _sizeHint = Math.Clamp(unit.Length + unit.Length / 4, 4096, 4 * 1024 * 1024);
                Emit(unit);
            }
        }
        ClearUnitState();
    }

    private void ClearUnitState()
    {
        _hasVcl = false;
        _damaged = false;
        _fragmentActive = false;
        _fragmentKind = -1;
        Array.Clear(_setsInUnit);
    }
}
