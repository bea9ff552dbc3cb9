using Appliance.Plugins.Media.FFmpegInterop.Native;
using Appliance.Plugins.Media.Protocol.Codecs;
using Appliance.Plugins.Media.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace Appliance.Plugins.Media.FFmpegInterop.Tests;

/// <summary>Decoding ffmpeg-made H.264/H.265 streams and encoding JPEG and H.264, each output checked by ffprobe.</summary>
public sealed class DecodeEncodeTests(RuntimeFixture fixture, ITestOutputHelper output) : IClassFixture<RuntimeFixture>
{
    private readonly FFmpegRuntime _runtime = fixture.Runtime;
    private readonly string _folder = Clips.TempFolder("decode");

    [Theory]
    [InlineData(VideoFormat.H264, "h264")]
    [InlineData(VideoFormat.H265, "hevc")]
    public void Decodes_every_frame_ffprobe_counts(VideoFormat format, string decoderName)
    {
        var file = Clips.Elementary(_folder, format, 1280, 720, 2);
        var probe = Clips.Probe(file);
        using var decoder = Pipeline.OpenDecoder(_runtime, decoderName);
        var (frames, errors) = Pipeline.DecodeAll(decoder, Clips.AccessUnits(file, format));
        output.WriteLine($"{format}: ffprobe {probe.Frames} frames, decoded {frames.Count}");
        Assert.Empty(errors);
        Assert.Equal(probe.Frames, frames.Count);
        Assert.All(frames, f => Assert.Equal((1280, 720), f));
    }

    [Fact]
    public void Jpeg_of_a_decoded_frame_is_read_by_ffprobe_with_the_frame_size()
    {
        var file = Clips.Elementary(_folder, VideoFormat.H264, 1280, 720, 1);
        using var decoder = Pipeline.OpenDecoder(_runtime, "h264");
        byte[]? jpeg = null;
        Pipeline.DecodeAll(decoder, Clips.AccessUnits(file, VideoFormat.H264), f => jpeg ??= Pipeline.Jpeg(_runtime, f));
        Assert.NotNull(jpeg);
        Assert.Equal(new byte[] { 0xFF, 0xD8 }, jpeg![..2]);
        var path = Path.Combine(_folder, "frame.jpg");
        File.WriteAllBytes(path, jpeg);
        var probe = Clips.Probe(path);
        Assert.Equal(("mjpeg", 1280, 720), (probe.Codec, probe.Width, probe.Height));
    }

    [Theory]
    [InlineData(VideoFormat.H264, "h264")]
    [InlineData(VideoFormat.H265, "hevc")]
    public void Transcodes_to_640x360_h264_that_ffprobe_plays(VideoFormat format, string decoderName)
    {
        var file = Clips.Elementary(_folder, format, 1280, 720, 2);
        using var decoder = Pipeline.OpenDecoder(_runtime, decoderName);
        using var scaler = FrameScaler.Open(_runtime, 1280, 720, AvConstants.AV_PIX_FMT_YUV420P, 640, 360, AvConstants.AV_PIX_FMT_YUV420P).Value;
        using var encoder = VideoEncoder.Open(_runtime, "libx264", new EncoderSettings(640, 360, AvConstants.AV_PIX_FMT_YUV420P, 25,
            BitRate: 500_000, GopSize: 25, Options: new Dictionary<string, string> { ["preset"] = "veryfast", ["tune"] = "zerolatency" })).Value;
        using var sink = new MemoryStream();
        var keyframes = 0;
        void OnPacket(ReadOnlySpan<byte> data, long pts, bool key)
        {
            sink.Write(data);
            if (key) keyframes++;
        }
        var (frames, errors) = Pipeline.DecodeAll(decoder, Clips.AccessUnits(file, format), f =>
        {
            var scaled = scaler.Scale(f);
            Assert.True(scaled.IsOk, scaled.ToString());
            Assert.True(encoder.Encode(scaled.Value, f.Pts, OnPacket).IsOk);
        });
        Assert.True(encoder.Flush(OnPacket).IsOk);
        Assert.Empty(errors);
        var path = Path.Combine(_folder, $"sd-from-{format}.h264");
        File.WriteAllBytes(path, sink.ToArray());
        var probe = Clips.Probe(path, "h264");
        output.WriteLine($"{format} -> h264 640x360: {frames.Count} frames in, ffprobe counts {probe.Frames}, {keyframes} keyframes, {sink.Length} bytes");
        Assert.Equal(("h264", 640, 360), (probe.Codec, probe.Width, probe.Height));
        Assert.Equal(frames.Count, probe.Frames);
        Assert.True(keyframes >= 2);
    }
}
