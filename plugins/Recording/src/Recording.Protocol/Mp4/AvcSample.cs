using Appliance.Plugins.Recording.Protocol.Video;

namespace Appliance.Plugins.Recording.Protocol.Mp4;

/// <summary>
/// An Annex-B access unit as an MP4 sample (ISO/IEC 14496-15): each NAL unit behind a 4-byte big-endian length instead
/// of a start code. Access unit delimiters are left out (the container delimits samples); parameter sets stay in band
/// (allowed, and needed when a camera changes them mid-clip).
/// </summary>
internal static class AvcSample
{
    /// <summary>The sample's size in bytes.</summary>
    public static long Size(VideoCodec codec, ReadOnlySpan<byte> annexB)
    {
        long size = 0;
        foreach (var (offset, length) in NalUnits.Find(annexB))
            if (Kept(codec, annexB, offset, length)) size += 4 + length;
        return size;
    }

    /// <summary>Writes the sample; returns its size (the same as <see cref="Size"/>).</summary>
    public static long Write(VideoCodec codec, ReadOnlySpan<byte> annexB, Stream output)
    {
        long size = 0;
        Span<byte> prefix = stackalloc byte[4];
        foreach (var (offset, length) in NalUnits.Find(annexB))
        {
            if (!Kept(codec, annexB, offset, length)) continue;
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(prefix, length);
            output.Write(prefix);
            output.Write(annexB.Slice(offset, length));
            size += 4 + length;
        }
        return size;
    }

    private static bool Kept(VideoCodec codec, ReadOnlySpan<byte> annexB, int offset, int length) =>
        length > 0 && !NalUnits.IsDelimiter(codec, NalUnits.Type(codec, annexB[offset]));
}
