namespace Appliance.Plugins.Rtsp.Protocol.Codecs;

/// <summary>
/// The latest parameter sets of a video track (H.264: SPS, PPS; H.265: VPS, SPS, PPS), from the SDP first and
/// then in-band. Allocates only when a set actually changes; <see cref="Version"/> counts changes.
/// </summary>
public sealed class ParameterSetTracker
{
    private readonly byte[]?[] _sets;

    /// <param name="kinds">How many kinds the codec has (2 for H.264, 3 for H.265), in output order.</param>
    public ParameterSetTracker(int kinds) => _sets = new byte[kinds][];

    public int Version { get; private set; }

    public int Kinds => _sets.Length;

    public ReadOnlySpan<byte> Get(int kind) => _sets[kind];

    public bool Has(int kind) => _sets[kind] is not null;

    public bool Update(int kind, ReadOnlySpan<byte> nal)
    {
        if (nal.IsEmpty || nal.Length > 4096) return false;
        if (_sets[kind] is { } current && current.AsSpan().SequenceEqual(nal)) return false;
        _sets[kind] = nal.ToArray();
        Version++;
        return true;
    }

    /// <summary>The sets present, in kind order (a fresh list; call when <see cref="Version"/> changed).</summary>
    public IReadOnlyList<byte[]> Snapshot()
    {
        var list = new List<byte[]>(_sets.Length);
        foreach (var set in _sets)
            if (set is not null) list.Add(set);
        return list;
    }
}
