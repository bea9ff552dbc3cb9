namespace Appliance.Plugins.Media.Protocol.Codecs;

/// <summary>Annex-B byte streams (start codes + NAL units), as written by <c>ffmpeg -f h264|hevc</c>.</summary>
public static class AnnexB
{
    /// <summary>
    /// Splits a byte stream into access units at access unit delimiters (H.264 NAL type 9, H.265 type 35): the
    /// stream must carry them (x264 <c>aud=1</c>, x265 <c>aud=1</c>). Each unit keeps its start codes.
    /// Bytes before the first delimiter form a unit of their own. Never throws on malformed input.
    /// </summary>
    public static List<ReadOnlyMemory<byte>> SplitAtDelimiters(ReadOnlyMemory<byte> stream, VideoFormat format)
    {
        var units = new List<ReadOnlyMemory<byte>>();
        var span = stream.Span;
        var start = 0;
        for (var i = 0; i + 3 < span.Length; i++)
        {
            if (span[i] != 0 || span[i + 1] != 0) continue;
            int header;
            if (span[i + 2] == 1) header = i + 3;
            else if (span[i + 2] == 0 && span[i + 3] == 1 && i + 4 < span.Length) header = i + 4;
            else continue;
            var isDelimiter = format == VideoFormat.H265 ? ((span[header] >> 1) & 0x3f) == 35 : (span[header] & 0x1f) == 9;
            if (isDelimiter && i > start)
            {
                units.Add(stream[start..i]);
                start = i;
            }
            i = header;
        }
        if (start < span.Length) units.Add(stream[start..]);
        return units;
    }

    /// <summary>Prefixes each NAL unit with a four-byte start code and concatenates them (parameter sets for a decoder).</summary>
    public static byte[] Join(IEnumerable<byte[]> nalUnits)
    {
        var output = new List<byte>();
        foreach (var nal in nalUnits)
        {
            output.AddRange([0, 0, 0, 1]);
            output.AddRange(nal);
        }
        return output.ToArray();
    }
}
