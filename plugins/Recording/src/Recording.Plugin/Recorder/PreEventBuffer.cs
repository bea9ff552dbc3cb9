namespace Appliance.Plugins.Recording.Plugin.Recorder;

/// <summary>A copy of one access unit kept while no event is on: its bytes, 90 kHz timestamp, keyframe flag, arrival time.</summary>
internal sealed record BufferedUnit(byte[] Data, long Pts90k, bool Keyframe, long ArrivalUs);

/// <summary>
/// The recorder's own pre-event buffer (the hub keeps only the current GOP): the last <c>span</c> of units, always
/// starting at a keyframe, so that the frames before a trigger can be written as a decodable start of a segment.
/// </summary>
internal sealed class PreEventBuffer(TimeSpan span)
{
    private readonly List<BufferedUnit> _units = [];
    private readonly long _spanUs = (long)(span.TotalMilliseconds * 1000);

    public int Count => _units.Count;

    public long Bytes { get; private set; }

    public void Add(BufferedUnit unit)
    {
        if (_units.Count == 0 && !unit.Keyframe) return;
        _units.Add(unit);
        Bytes += unit.Data.Length;
        // Keep from the latest keyframe that is at least the span old (or the oldest one there is).
        var cut = 0;
        for (var i = 1; i < _units.Count; i++)
            if (_units[i].Keyframe && _units[i].ArrivalUs <= unit.ArrivalUs - _spanUs) cut = i;
        if (cut == 0) return;
        for (var i = 0; i < cut; i++) Bytes -= _units[i].Data.Length;
        _units.RemoveRange(0, cut);
    }

    /// <summary>Hands over every buffered unit in order and empties the buffer.</summary>
    public List<BufferedUnit> Drain()
    {
        var all = _units.ToList();
        _units.Clear();
        Bytes = 0;
        return all;
    }

    public void Clear()
    {
        _units.Clear();
        Bytes = 0;
    }
}
