using Appliance.Plugins.Recording.Protocol.Segments;
using Appliance.Plugins.Recording.Protocol.Ts;
using Appliance.Plugins.Recording.Protocol.Video;
using Appliance.Plugins.Recording.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace Appliance.Plugins.Recording.Protocol.Tests;

/// <summary>Segments written from ffmpeg-made streams, read back by ffprobe and ffmpeg (the independent peers).</summary>
public sealed class SegmentWriterTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(VideoCodec.H264)]
    [InlineData(VideoCodec.H265)]
    public void A_segment_plays_in_ffprobe_from_a_keyframe_with_every_frame_and_no_decode_error(VideoCodec codec)
    {
        var units = Streams.Units(codec, 640, 360, 4);
        var path = Path.Combine(Streams.Folder("writer"), "a.ts");
        var written = Streams.Write(path, codec, units);
        var probe = TsProbe.Probe(path);
        output.WriteLine($"{new FileInfo(path).Length} bytes: {probe}");
        Assert.Equal(codec == VideoCodec.H264 ? "h264" : "hevc", probe.Codec);
        Assert.Equal(units.Count, written.Frames);
        Assert.Equal(units.Count, probe.Frames);
        Assert.True(probe.FirstIsKeyframe);
        Assert.Equal("", probe.DecodeErrors);
        Assert.InRange(probe.Seconds, 3.8, 4.2);
        Assert.Equal(0, new FileInfo(path).Length % TsLayout.PacketSize);
    }

    [Fact]
    public void Units_before_the_first_keyframe_are_skipped_so_the_segment_starts_on_one()
    {
        var units = Streams.Units(VideoCodec.H264, 640, 360, 4);
        var path = Path.Combine(Streams.Folder("writer"), "mid-gop.ts");
        var written = Streams.Write(path, VideoCodec.H264, units.Skip(10));
        var probe = TsProbe.Probe(path);
        output.WriteLine(probe.ToString());
        Assert.Equal(units.Count - 25, written.Frames); // from the keyframe at frame 25 on
        Assert.Equal(TsLayout.StreamPts(units[25].Pts), written.FirstPts);
        Assert.True(probe.FirstIsKeyframe);
        Assert.Equal("", probe.DecodeErrors);
    }

    [Theory]
    [InlineData(VideoCodec.H264)]
    [InlineData(VideoCodec.H265)]
    public void Parameter_sets_sent_once_are_put_in_front_of_every_keyframe(VideoCodec codec)
    {
        // A camera that sent SPS/PPS(/VPS) only out of band: the units carry none, the descriptor does.
        var units = Streams.Units(codec, 640, 360, 4);
        var parameters = new ParameterSets(codec);
        Assert.True(parameters.Observe(units[0].Data.Span));
        var stripped = units.Select(u => u with { Data = WithoutParameterSets(codec, u.Data) }).ToList();
        Assert.False(new ParameterSets(codec).Observe(stripped[0].Data.Span));

        // A segment starting at the second keyframe: only the remembered sets make it decodable.
        var path = Path.Combine(Streams.Folder("writer"), "params.ts");
        Streams.Write(path, codec, stripped.Skip(25), parameters);
        var probe = TsProbe.Probe(path);
        output.WriteLine(probe.ToString());
        Assert.Equal(units.Count - 25, probe.Frames);
        Assert.Equal("", probe.DecodeErrors);

        var without = Path.Combine(Streams.Folder("writer"), "no-params.ts");
        Streams.Write(without, codec, stripped.Skip(25), new ParameterSets(codec));
        var broken = TsProbe.Probe(without);
        output.WriteLine($"negative control: {broken}");
        Assert.True(broken.Frames < units.Count - 25 || broken.DecodeErrors.Length > 0, "without parameter sets the segment should not decode cleanly");
    }

    private static ReadOnlyMemory<byte> WithoutParameterSets(VideoCodec codec, ReadOnlyMemory<byte> unit)
    {
        var span = unit.Span;
        using var kept = new MemoryStream();
        foreach (var (offset, length) in NalUnits.Find(span))
        {
            if (length > 0 && NalUnits.IsParameterSet(codec, NalUnits.Type(codec, span[offset]))) continue;
            kept.Write([0, 0, 0, 1]);
            kept.Write(span.Slice(offset, length));
        }
        return kept.ToArray();
    }
}
