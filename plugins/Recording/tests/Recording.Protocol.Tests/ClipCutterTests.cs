using Appliance.Plugins.Recording.Protocol.Clips;
using Appliance.Plugins.Recording.Protocol.Ts;
using Appliance.Plugins.Recording.Protocol.Video;
using Appliance.Plugins.Recording.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace Appliance.Plugins.Recording.Protocol.Tests;

/// <summary>Clips cut from three segments without re-encoding, checked by ffprobe and ffmpeg.</summary>
public sealed class ClipCutterTests(ITestOutputHelper output)
{
    private static (List<Streams.Unit> Units, List<string> Segments) ThreeSegments(VideoCodec codec)
    {
        var units = Streams.Units(codec, 640, 360, 6);
        var folder = Streams.Folder("clips");
        var segments = new List<string>();
        for (var s = 0; s < 3; s++)
            segments.Add(Streams.Write(Path.Combine(folder, $"seg{s}.ts"), codec, units.Skip(s * 50).Take(50)).Path);
        return (units, segments);
    }

    [Theory]
    [InlineData(VideoCodec.H264)]
    [InlineData(VideoCodec.H265)]
    public async Task A_clip_across_segments_starts_at_the_keyframe_before_from_and_plays_cleanly(VideoCodec codec)
    {
        var (units, segments) = ThreeSegments(codec);
        // From 1.3 s (frame 32; the keyframe before is frame 25) to 4.5 s (frame 112), at 25 fps.
        var from = TsLayout.StreamPts(units[32].Pts + 100);
        var to = TsLayout.StreamPts(units[112].Pts);
        var clip = Path.Combine(Streams.Folder("clips"), "clip.ts");
        var progress = new List<double>();
        await using (var file = File.Create(clip))
        {
            var summary = await ClipCutter.CutAsync([new ClipPiece(segments[0], FromPts: from), new ClipPiece(segments[1]), new ClipPiece(segments[2], ToPts: to)],
                file, progress.Add, CancellationToken.None);
            Assert.True(summary.IsOk, summary.ToString());
            Assert.Equal(112 - 25 + 1, summary.Value.Frames);
            Assert.Equal(3, summary.Value.Segments);
        }
        var probe = TsProbe.Probe(clip);
        output.WriteLine($"clip {new FileInfo(clip).Length} bytes: {probe}; progress {string.Join(", ", progress)}");
        Assert.Equal(112 - 25 + 1, probe.Frames);
        Assert.True(probe.FirstIsKeyframe);
        Assert.Equal("", probe.DecodeErrors);
        Assert.InRange(probe.Seconds, 3.4, 3.7);
        Assert.Equal([1 / 3.0, 2 / 3.0, 1.0], progress);
    }

    [Fact]
    public async Task A_clip_inside_one_segment_and_ranges_outside_the_recording()
    {
        var (units, segments) = ThreeSegments(VideoCodec.H264);
        var clip = Path.Combine(Streams.Folder("clips"), "inner.ts");
        await using (var file = File.Create(clip))
        {
            var inner = await ClipCutter.CutAsync([new ClipPiece(segments[1], TsLayout.StreamPts(units[60].Pts), TsLayout.StreamPts(units[70].Pts))], file, null, CancellationToken.None);
            Assert.True(inner.IsOk, inner.ToString());
            Assert.Equal(70 - 50 + 1, inner.Value.Frames); // from the keyframe at 50
        }
        var probe = TsProbe.Probe(clip);
        Assert.Equal(21, probe.Frames);
        Assert.Equal("", probe.DecodeErrors);

        using var sink = new MemoryStream();
        var before = await ClipCutter.CutAsync([new ClipPiece(segments[1], ToPts: TsLayout.StreamPts(units[10].Pts))], sink, null, CancellationToken.None);
        Assert.Equal("empty", before.Failure!.Code);
        var gone = await ClipCutter.CutAsync([new ClipPiece(Path.Combine(Streams.Folder("clips"), "gone.ts"))], sink, null, CancellationToken.None);
        Assert.Equal("io", gone.Failure!.Code);
        Assert.Equal(0, sink.Length);
    }

    [Fact]
    public async Task A_range_that_starts_before_the_first_segment_keeps_all_of_it()
    {
        // The plugin gives the first piece no FromPts when the range starts before the segment: the clip then starts at
        // the segment's first keyframe (it once started at its last one and lost the GOPs before).
        var (units, segments) = ThreeSegments(VideoCodec.H264);
        var clip = Path.Combine(Streams.Folder("clips"), "all.ts");
        await using (var file = File.Create(clip))
        {
            var summary = await ClipCutter.CutAsync(segments.Select(s => new ClipPiece(s)).ToList(), file, null, CancellationToken.None);
            Assert.True(summary.IsOk, summary.ToString());
            Assert.Equal(units.Count, summary.Value.Frames);
        }
        var probe = TsProbe.Probe(clip);
        Assert.Equal((units.Count, true, ""), (probe.Frames, probe.FirstIsKeyframe, probe.DecodeErrors));
    }
}
