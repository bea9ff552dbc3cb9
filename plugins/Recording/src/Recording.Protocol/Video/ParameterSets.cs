namespace Appliance.Plugins.Recording.Protocol.Video;

/// <summary>
/// The latest parameter sets of a stream (from the hub's descriptor and from those seen in band), so that every
/// segment and clip can start with them even when the camera sends them only once.
/// </summary>
public sealed class ParameterSets(VideoCodec codec)
{
    private readonly SortedDictionary<int, byte[]> _byType = [];

    public VideoCodec Codec => codec;

    /// <summary>Takes parameter sets given without start codes (a hub track's <c>Parameters</c>).</summary>
    public void Remember(IEnumerable<byte[]> nalUnits)
    {
        foreach (var nal in nalUnits)
            if (nal.Length > 0 && NalUnits.IsParameterSet(codec, NalUnits.Type(codec, nal[0]))) _byType[NalUnits.Type(codec, nal[0])] = nal;
    }

    /// <summary>Keeps the parameter sets an access unit carries; returns true when it carries all the codec needs.</summary>
    public bool Observe(ReadOnlySpan<byte> annexB)
    {
        var seen = 0;
        foreach (var (offset, length) in NalUnits.Find(annexB))
        {
            if (length == 0) continue;
            var type = NalUnits.Type(codec, annexB[offset]);
            if (!NalUnits.IsParameterSet(codec, type)) continue;
            _byType[type] = annexB.Slice(offset, length).ToArray();
            seen++;
        }
        return seen >= Needed;
    }

    /// <summary>True when every parameter set the codec needs is known.</summary>
    public bool Complete => _byType.Count >= Needed;

    private int Needed => codec == VideoCodec.H264 ? 2 : 3;

    /// <summary>The known parameter sets as Annex B (4-byte start codes), VPS before SPS before PPS.</summary>
    public byte[] AnnexB()
    {
        using var buffer = new MemoryStream();
        foreach (var nal in _byType.Values)
        {
            buffer.Write([0, 0, 0, 1]);
            buffer.Write(nal);
        }
        return buffer.ToArray();
    }
}
