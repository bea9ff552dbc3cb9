using Appliance.Abstractions;
using Appliance.Plugins.Recording.Protocol.Ts;
using Appliance.Plugins.Recording.Protocol.Video;
using Appliance.Plugins.Rtsp.Protocol.Codecs;

namespace Appliance.Plugins.Recording.Protocol.Mp4;

/// <summary>What a remux wrote: samples, file bytes, seconds, picture size, and timestamp steps that did not advance
/// (a camera's clock reset between segments; those samples got the previous frame's duration).</summary>
public sealed record Mp4Summary(int Frames, long Bytes, double Seconds, int Width, int Height, int Discontinuities);

/// <summary>
/// Rewraps a recorded H.264 transport stream (a clip) as a progressive MP4 that browsers play in a
/// <c>&lt;video&gt;</c> element: <c>ftyp</c>, then <c>moov</c> (so playback starts before the whole file arrived), then
/// one <c>mdat</c> with the samples. No re-encoding: the same access units, length-prefixed. Two passes over the input
/// (sizes and timing first, then the media data), so memory stays at one access unit plus the sample table.
/// </summary>
public static class Mp4Remuxer
{
    /// <summary>
    /// Writes the MP4 of the transport stream <paramref name="openInput"/> opens (called twice). Failures:
    /// <c>unsupported</c> (H.265: browsers without hardware HEVC do not play it; download the MPEG-TS),
    /// <c>malformed</c> (not a stream of the recorder's layout, no keyframe, no readable SPS/PPS), <c>io</c> (the input
    /// could not be read, or changed between the passes).
    /// </summary>
    public static Result<Mp4Summary> Remux(Func<Stream> openInput, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(openInput);
        ArgumentNullException.ThrowIfNull(output);
        try
        {
            var plan = Plan(openInput, cancellationToken);
            return plan.IsOk ? Write(openInput, plan.Value, output, cancellationToken) : plan.Failure!;
        }
        catch (IOException e)
        {
            return new Failure("io", e.Message);
        }
    }

    private sealed record RemuxPlan(Mp4Movie Movie, int Width, int Height, int Discontinuities);

    private static Result<RemuxPlan> Plan(Func<Stream> openInput, CancellationToken cancellationToken)
    {
        using var input = openInput();
        var reader = new TsAccessUnitReader(input, wholeFramesOnly: true);
        Mp4Movie? movie = null;
        int width = 0, height = 0, discontinuities = 0;
        long previousPts = 0;
        while (reader.TryRead(out var unit))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (reader.Codec == VideoCodec.H265) return new Failure("unsupported", "the clip is H.265; browsers play H.264 (download the MPEG-TS for H.265)");
            if (movie is null)
            {
                if (!unit.Keyframe) continue; // a clip starts at a keyframe; anything before one is not decodable
                var (sps, pps) = FirstParameterSets(unit.AnnexB);
                if (sps is null || pps is null) return new Failure("malformed", "the first keyframe carries no SPS and PPS");
                if (H264Sps.TryParse(sps) is not { } parameters) return new Failure("malformed", "the SPS of the first keyframe cannot be read");
                (width, height) = (parameters.Width, parameters.Height);
                movie = new Mp4Movie(width, height, sps, pps);
            }
            else
            {
                var step = TsLayout.Difference(unit.Pts, previousPts);
                if (step <= 0 || step > uint.MaxValue)
                {
                    discontinuities++;
                    step = movie.Durations.Count > 1 ? movie.Durations[^2] : 3_600;
                }
                movie.Durations[^1] = (uint)step;
            }
            movie.Durations.Add(0);
            movie.Sizes.Add((uint)AvcSample.Size(VideoCodec.H264, unit.AnnexB));
            if (unit.Keyframe) movie.SyncSamples.Add((uint)movie.Sizes.Count);
            previousPts = unit.Pts;
        }
        if (reader.Problem is { } problem) return new Failure("malformed", problem);
        if (reader.Codec is null) return new Failure("malformed", "no PMT: not a transport stream of the recorder");
        if (movie is null) return new Failure("malformed", "no keyframe in the clip");
        // The last sample lasts as long as the one before it (one frame at 25 fps when it is alone).
        movie.Durations[^1] = movie.Durations.Count > 1 ? movie.Durations[^2] : 3_600;
        return new RemuxPlan(movie, width, height, discontinuities);
    }

    private static Result<Mp4Summary> Write(Func<Stream> openInput, RemuxPlan plan, Stream output, CancellationToken cancellationToken)
    {
        var movie = plan.Movie;
        var mediaBytes = movie.MediaBytes;
        var largeMdat = mediaBytes + 8 > uint.MaxValue;
        var mdatHeader = largeMdat ? 16 : 8;
        var fileType = Mp4Movie.FileType();
        var largeOffsets = mediaBytes > uint.MaxValue / 2;
        var headerLength = movie.Header(0, largeOffsets).Length;
        var header = movie.Header(fileType.Length + headerLength + mdatHeader, largeOffsets);
        output.Write(fileType);
        output.Write(header);
        Span<byte> box = stackalloc byte[16];
        if (largeMdat)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(box, 1);
            "mdat"u8.CopyTo(box[4..]);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(box[8..], (ulong)(mediaBytes + 16));
        }
        else
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(box, (uint)(mediaBytes + 8));
            "mdat"u8.CopyTo(box[4..]);
        }
        output.Write(box[..mdatHeader]);

        using var input = openInput();
        var reader = new TsAccessUnitReader(input, wholeFramesOnly: true);
        var sample = 0;
        while (sample < movie.Sizes.Count && reader.TryRead(out var unit))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (sample == 0 && !unit.Keyframe) continue;
            var written = AvcSample.Write(VideoCodec.H264, unit.AnnexB, output);
            if (written != movie.Sizes[sample]) return new Failure("io", $"the clip changed while it was remuxed (frame {sample + 1})");
            sample++;
        }
        if (sample != movie.Sizes.Count) return new Failure("io", $"the clip changed while it was remuxed ({sample} of {movie.Sizes.Count} frames)");
        output.Flush();
        var bytes = fileType.Length + header.Length + mdatHeader + mediaBytes;
        return new Mp4Summary(sample, bytes, movie.Duration / (double)Mp4Movie.Timescale, plan.Width, plan.Height, plan.Discontinuities);
    }

    /// <summary>The first SPS and PPS of an access unit (H.264 types 7 and 8), without start codes.</summary>
    private static (byte[]? Sps, byte[]? Pps) FirstParameterSets(byte[] annexB)
    {
        byte[]? sps = null, pps = null;
        foreach (var (offset, length) in NalUnits.Find(annexB))
        {
            if (length == 0) continue;
            var type = NalUnits.Type(VideoCodec.H264, annexB[offset]);
            if (type == 7 && sps is null) sps = annexB.AsSpan(offset, length).ToArray();
            if (type == 8 && pps is null) pps = annexB.AsSpan(offset, length).ToArray();
        }
        return (sps, pps);
    }
}
