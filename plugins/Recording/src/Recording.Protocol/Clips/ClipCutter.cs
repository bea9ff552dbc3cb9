using Appliance.Abstractions;
using Appliance.Plugins.Recording.Protocol.Ts;

namespace Appliance.Plugins.Recording.Protocol.Clips;

/// <summary>One segment of a clip. <paramref name="FromPts"/>/<paramref name="ToPts"/> (stream PTS as in the
/// segment, <see cref="TsLayout.StreamPts"/>) bound the part wanted; null means from its start or to its end.</summary>
public sealed record ClipPiece(string Path, long? FromPts = null, long? ToPts = null);

/// <summary>What a cut produced.</summary>
public sealed record ClipSummary(int Frames, long Bytes, double Seconds, int Segments);

/// <summary>
/// Cuts a clip out of recorded segments without re-encoding: whole transport packets are copied from the keyframe at
/// or before the first piece's start to the last whole frame at or before the last piece's end, continuity counters
/// renumbered so the result is one clean stream. Only whole frames are copied (a cut segment's tail is left out).
/// </summary>
public static class ClipCutter
{
    /// <summary>
    /// Writes the clip to <paramref name="output"/>. <paramref name="progress"/> gets the fraction of pieces done.
    /// Failures: <c>empty</c> (no whole frame in range), <c>unusable</c> (a segment without a keyframe at the start of
    /// the range), <c>io</c> (a segment could not be read: gone, or the output failed).
    /// </summary>
    public static async Task<Result<ClipSummary>> CutAsync(IReadOnlyList<ClipPiece> pieces, Stream output, Action<double>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        ArgumentNullException.ThrowIfNull(output);
        var counters = new byte[8192];
        Array.Fill(counters, (byte)0xFF);
        var frames = 0;
        long bytes = 0;
        long? firstPts = null;
        long lastPts = 0;
        var used = 0;
        for (var i = 0; i < pieces.Count; i++)
        {
            var piece = pieces[i];
            byte[] data;
            try
            {
                data = await File.ReadAllBytesAsync(piece.Path, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                return new Failure("io", $"segment {piece.Path}: {e.Message}");
            }
            var scan = TsScanner.Scan(data);
            var whole = scan.Frames.TakeWhile(f => f.Complete).ToList();
            if (whole.Count == 0 || !scan.StartsWithTables) continue;
            var from = 0;
            if (firstPts is null)
            {
                // The clip starts at the keyframe at or before FromPts (the segment's first keyframe when none is
                // before, or when the range starts before the segment: no FromPts).
                from = -1;
                if (piece.FromPts is { } fromPts)
                    for (var k = 0; k < whole.Count && TsLayout.Difference(whole[k].Pts, fromPts) <= 0; k++)
                        if (whole[k].Keyframe) from = k;
                if (from < 0) from = whole.FindIndex(f => f.Keyframe);
                if (from < 0) return new Failure("unusable", $"segment {piece.Path} has no keyframe to start the clip at");
            }
            var to = whole.Count - 1;
            if (piece.ToPts is { } t)
                while (to >= from && TsLayout.Difference(whole[to].Pts, t) > 0) to--;
            if (to < from) continue;

            if (firstPts is null)
            {
                // PAT and PMT first (the segment's first two packets).
                bytes += await CopyAsync(data.AsMemory(0, 2 * TsLayout.PacketSize), output, counters, cancellationToken).ConfigureAwait(false);
                firstPts = whole[from].Pts;
            }
            var start = whole[from].Start;
            if (from == 0) start = 2 * TsLayout.PacketSize; // tables already in front of the first keyframe
            bytes += await CopyAsync(data.AsMemory((int)start, (int)(whole[to].End - start)), output, counters, cancellationToken).ConfigureAwait(false);
            frames += to - from + 1;
            lastPts = whole[to].Pts;
            used++;
            progress?.Invoke((i + 1) / (double)pieces.Count);
        }
        if (firstPts is null) return new Failure("empty", "no whole frame of the recording lies in the range");
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new ClipSummary(frames, bytes, TsLayout.Difference(lastPts, firstPts.Value) / 90_000.0, used);
    }

    /// <summary>Copies whole packets, renumbering each PID's continuity counter (only packets with payload count).</summary>
    private static async Task<long> CopyAsync(ReadOnlyMemory<byte> packets, Stream output, byte[] counters, CancellationToken cancellationToken)
    {
        var copy = packets.ToArray();
        for (var at = 0; at + TsLayout.PacketSize <= copy.Length; at += TsLayout.PacketSize)
        {
            var pid = ((copy[at + 1] & 0x1F) << 8) | copy[at + 2];
            if ((copy[at + 3] & 0x10) == 0) continue;
            counters[pid] = (byte)((counters[pid] + 1) & 0x0F);
            copy[at + 3] = (byte)((copy[at + 3] & 0xF0) | counters[pid]);
        }
        await output.WriteAsync(copy, cancellationToken).ConfigureAwait(false);
        return copy.Length;
    }
}
