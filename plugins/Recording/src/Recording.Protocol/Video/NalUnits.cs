namespace Appliance.Plugins.Recording.Protocol.Video;

/// <summary>NAL units of an Annex-B access unit: where they are and what they are. Total: any bytes give an answer.</summary>
public static class NalUnits
{
    /// <summary>The (offset, length) of each NAL unit's bytes after its start code, in order.</summary>
    public static List<(int Offset, int Length)> Find(ReadOnlySpan<byte> annexB)
    {
        var found = new List<(int, int)>();
        var start = -1;
        var i = 0;
        while (i + 2 < annexB.Length)
        {
            if (annexB[i] == 0 && annexB[i + 1] == 0 && annexB[i + 2] == 1)
            {
                if (start >= 0) found.Add((start, TrimZeros(annexB, start, i) - start));
                i += 3;
                start = i;
                continue;
            }
            i++;
        }
        if (start >= 0 && start < annexB.Length) found.Add((start, annexB.Length - start));
        return found;
    }

    /// <summary>The NAL unit type of a unit's first header byte.</summary>
    public static int Type(VideoCodec codec, byte header) => codec == VideoCodec.H264 ? header & 0x1F : (header >> 1) & 0x3F;

    /// <summary>True for the parameter sets a decoder needs first (H.264 SPS 7, PPS 8; H.265 VPS 32, SPS 33, PPS 34).</summary>
    public static bool IsParameterSet(VideoCodec codec, int type) =>
        codec == VideoCodec.H264 ? type is 7 or 8 : type is 32 or 33 or 34;

    /// <summary>True for an access unit delimiter (H.264 9, H.265 35).</summary>
    public static bool IsDelimiter(VideoCodec codec, int type) => codec == VideoCodec.H264 ? type == 9 : type == 35;

    /// <summary>True when the access unit holds an IDR (H.264 5) or IRAP (H.265 16-21) slice.</summary>
    public static bool IsKeyframe(VideoCodec codec, ReadOnlySpan<byte> annexB)
    {
        foreach (var (offset, length) in Find(annexB))
        {
            if (length == 0) continue;
            var type = Type(codec, annexB[offset]);
            if (codec == VideoCodec.H264 ? type == 5 : type is >= 16 and <= 21) return true;
        }
        return false;
    }

    private static int TrimZeros(ReadOnlySpan<byte> data, int start, int end)
    {
        while (end > start && data[end - 1] == 0) end--;
        return end;
    }
}
