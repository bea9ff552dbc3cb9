namespace Appliance.Plugins.WebRtc.Protocol.Rtp;

/// <summary>Splits an Annex-B byte stream (00 00 01 / 00 00 00 01 start codes) into NAL units.</summary>
public static class AnnexB
{
    /// <summary>The (offset, length) of each NAL unit, start codes and trailing zero bytes excluded.</summary>
    public static List<(int Offset, int Length)> Split(ReadOnlySpan<byte> stream)
    {
        var units = new List<(int, int)>();
        var start = -1;
        var i = 0;
        while (i + 2 < stream.Length)
        {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1)
            {
                if (start >= 0) units.Add((start, TrimEnd(stream, start, i)));
                i += 3;
                start = i;
            }
            else
            {
                i++;
            }
        }
        if (start >= 0 && start < stream.Length) units.Add((start, TrimEnd(stream, start, stream.Length)));
        else if (start < 0 && stream.Length > 0) units.Add((0, stream.Length));
        units.RemoveAll(u => u.Item2 <= 0);
        return units;
    }

    private static int TrimEnd(ReadOnlySpan<byte> stream, int start, int end)
    {
        while (end > start && stream[end - 1] == 0) end--;
        return end - start;
    }
}
