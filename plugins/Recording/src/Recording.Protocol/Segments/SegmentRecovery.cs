using Appliance.Abstractions;
using Appliance.Plugins.Recording.Protocol.Ts;

namespace Appliance.Plugins.Recording.Protocol.Segments;

/// <summary>A segment as far as it can be played: its usable length and what lies in it.</summary>
/// <param name="Length">Bytes from the start that hold only whole packets and whole frames.</param>
/// <param name="FirstPts">PTS of the first frame (a keyframe), 90 kHz, 33 bits.</param>
/// <param name="LastPts">PTS of the last whole frame.</param>
public sealed record SegmentExtent(long Length, int Frames, int Keyframes, long FirstPts, long LastPts)
{
    /// <summary>Span of the frames' timestamps in seconds (last minus first; a single frame spans 0).</summary>
    public double Seconds => TsLayout.Difference(LastPts, FirstPts) / 90_000.0;
}

/// <summary>
/// What survives of a segment cut at any byte (a power loss while it was written): the longest prefix that starts with
/// PAT and PMT, then a keyframe, and ends after the last whole frame. A segment with no whole keyframe is unusable.
/// </summary>
public static class SegmentRecovery
{
    /// <summary>The usable extent of <paramref name="data"/>, or <c>unusable</c> with the reason.</summary>
    public static Result<SegmentExtent> Inspect(ReadOnlySpan<byte> data)
    {
        var scan = TsScanner.Scan(data);
        if (!scan.StartsWithTables) return Unusable("it does not start with a PAT (not a recorder segment, or cut inside its first packet)");
        // Frames are complete in order until the first cut one: keep the run of whole frames from the start.
        var kept = 0;
        while (kept < scan.Frames.Count && scan.Frames[kept].Complete) kept++;
        if (kept == 0) return Unusable($"no whole frame{(scan.Problem is null ? "" : $" ({scan.Problem})")}");
        if (!scan.Frames[0].Keyframe) return Unusable("its first frame is not a keyframe");
        var last = scan.Frames[kept - 1];
        return new SegmentExtent(last.End, kept, scan.Frames.Take(kept).Count(f => f.Keyframe), scan.Frames[0].Pts, last.Pts);
    }

    /// <summary>
    /// Inspects the file at <paramref name="path"/> and cuts it to its usable length. <c>unusable</c> leaves the file
    /// as it is (the caller deletes it); <c>io</c> when it cannot be read or cut.
    /// </summary>
    public static Result<SegmentExtent> RecoverFile(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            if (file.Length > int.MaxValue) return new Failure("unusable", $"{path}: {file.Length} bytes is larger than any segment");
            var data = new byte[file.Length];
            file.ReadExactly(data);
            var extent = Inspect(data);
            if (!extent.IsOk) return new Failure(extent.Failure!.Code, $"{path}: {extent.Failure.Message}");
            if (extent.Value.Length < file.Length)
            {
                file.SetLength(extent.Value.Length);
                file.Flush(true);
            }
            return extent;
        }
        catch (IOException e)
        {
            return new Failure("io", $"{path}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            return new Failure("io", $"{path}: {e.Message}");
        }
    }

    private static Failure Unusable(string why) => new("unusable", $"segment unusable: {why}");
}
