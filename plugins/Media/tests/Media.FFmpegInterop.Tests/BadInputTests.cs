using Appliance.Plugins.Media.Protocol.Codecs;
using Appliance.Plugins.Media.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace Appliance.Plugins.Media.FFmpegInterop.Tests;

/// <summary>Corrupt bitstreams, size changes, absurd sizes and absent codecs: failures of the stream, never a crash.</summary>
public sealed class BadInputTests(RuntimeFixture fixture, ITestOutputHelper output) : IClassFixture<RuntimeFixture>
{
    private readonly FFmpegRuntime _runtime = fixture.Runtime;
    private readonly string _folder = Clips.TempFolder("bad-input");

    [Theory]
    [InlineData(VideoFormat.H264, "h264")]
    [InlineData(VideoFormat.H265, "hevc")]
    public void Truncated_nal_units_decode_what_they_can_and_the_next_clean_keyframe_recovers(VideoFormat format, string name)
    {
        var units = Clips.AccessUnits(Clips.Elementary(_folder, format, 640, 360, 2, gop: 25), format);
        var damaged = units.Select((u, i) => i < 25 && i % 3 == 1 ? u[..(u.Length / 2)] : u).ToList();
        using var decoder = Pipeline.OpenDecoder(_runtime, name);
        var (frames, errors) = Pipeline.DecodeAll(decoder, damaged);
        output.WriteLine($"{format}: {units.Count} units, {frames.Count} frames, {errors.Count} errors: {string.Join(" | ", errors.Take(3))}");
        Assert.True(frames.Count >= units.Count - 25, "the second GOP (clean) must decode");
        Assert.All(frames, f => Assert.Equal((640, 360), f));
    }

    [Theory]
    [InlineData(VideoFormat.H264, "h264")]
    [InlineData(VideoFormat.H265, "hevc")]
    public void Bit_flips_never_crash_and_the_decoder_stays_usable(VideoFormat format, string name)
    {
        var units = Clips.AccessUnits(Clips.Elementary(_folder, format, 640, 360, 2), format);
        var random = new Random(14);
        var flipped = units.Select(u =>
        {
            var copy = u.ToArray();
            for (var k = 0; k < Math.Max(1, copy.Length / 200); k++)
            {
                var at = random.Next(5, copy.Length);
                copy[at] ^= (byte)(1 << random.Next(8));
            }
            return (ReadOnlyMemory<byte>)copy;
        }).ToList();
        using var decoder = Pipeline.OpenDecoder(_runtime, name);
        var (damagedFrames, errors) = Pipeline.DecodeAll(decoder, flipped);
        var (cleanFrames, cleanErrors) = Pipeline.DecodeAll(decoder, units);
        output.WriteLine($"{format}: flipped -> {damagedFrames.Count} frames, {errors.Count} errors; clean afterwards -> {cleanFrames.Count} frames");
        Assert.Empty(cleanErrors);
        Assert.Equal(units.Count, cleanFrames.Count);
    }

    [Theory]
    [InlineData(VideoFormat.H264, "h264")]
    [InlineData(VideoFormat.H265, "hevc")]
    public void A_parameter_set_change_mid_stream_changes_the_frame_size(VideoFormat format, string name)
    {
        var small = Clips.AccessUnits(Clips.Elementary(_folder, format, 640, 360, 1), format);
        var large = Clips.AccessUnits(Clips.Elementary(_folder, format, 1280, 720, 1), format);
        using var decoder = Pipeline.OpenDecoder(_runtime, name);
        var (frames, errors) = Pipeline.DecodeAll(decoder, small.Concat(large).Concat(small));
        Assert.Empty(errors);
        Assert.Equal(small.Count * 2 + large.Count, frames.Count);
        Assert.Equal((640, 360), frames[0]);
        Assert.Equal((1280, 720), frames[small.Count]);
        Assert.Equal((640, 360), frames[^1]);
    }

    [Fact]
    public void An_8k_stream_is_refused_by_the_pixel_limit_without_frames()
    {
        var units = Clips.AccessUnits(Clips.Elementary(_folder, VideoFormat.H264, 7680, 4320, 1, fps: 2, pattern: "testsrc"), VideoFormat.H264);
        using var decoder = Pipeline.OpenDecoder(_runtime, "h264", new DecoderOptions(MaxPixels: 1920L * 1080));
        var (frames, errors) = Pipeline.DecodeAll(decoder, units);
        output.WriteLine($"8K: {frames.Count} frames, errors: {string.Join(" | ", errors.Distinct().Take(2))}");
        Assert.Empty(frames);
        Assert.NotEmpty(errors);
    }

    [Theory]
    [InlineData("h264_cuvid")]
    [InlineData("h264_nvv4l2dec")]
    [InlineData("no_such_decoder")]
    public void A_decoder_the_board_lacks_is_a_failure_not_a_crash(string name)
    {
        var decoder = VideoDecoder.Open(_runtime, name, new DecoderOptions());
        output.WriteLine($"{name}: {decoder}");
        Assert.False(decoder.IsOk);
        Assert.Contains(decoder.Failure!.Code, new[] { "unknown-codec", "open-failed" });
    }

    [Fact]
    public void A_vaapi_device_that_is_not_there_is_a_failure()
    {
        var decoder = VideoDecoder.Open(_runtime, "h264", new DecoderOptions(HardwareDevice: Native.AvConstants.AV_HWDEVICE_TYPE_VAAPI));
        output.WriteLine(decoder.ToString());
        Assert.False(decoder.IsOk);
        Assert.Equal("open-failed", decoder.Failure!.Code);
    }

    [Fact]
    public void Garbage_is_an_error_of_the_stream()
    {
        var random = new Random(7);
        var garbage = Enumerable.Range(0, 50).Select(_ =>
        {
            var bytes = new byte[random.Next(1, 5000)];
            random.NextBytes(bytes);
            return (ReadOnlyMemory<byte>)bytes;
        });
        using var decoder = Pipeline.OpenDecoder(_runtime, "h264");
        var (frames, _) = Pipeline.DecodeAll(decoder, garbage);
        Assert.Empty(frames);
    }
}
