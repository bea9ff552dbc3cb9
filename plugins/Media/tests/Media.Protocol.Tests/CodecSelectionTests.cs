using Appliance.Plugins.Media.Protocol.Codecs;
using Xunit;

namespace Appliance.Plugins.Media.Protocol.Tests;

/// <summary>The codec choice per platform: what a probe would find on each board, and what must be chosen.</summary>
public sealed class CodecSelectionTests
{
    /// <summary>Probe results of a platform: every candidate probed, the named ones opened.</summary>
    private static IReadOnlyList<ProbeOutcome> Platform(params string[] opened) =>
        CodecCandidates.All.Select(c => new ProbeOutcome(c, opened.Contains(Key(c)), opened.Contains(Key(c)) ? null : "Operation not permitted")).ToArray();

    private static string Key(CodecCandidate c) => c.HardwareDevice is null ? c.FFmpegName : $"{c.FFmpegName}+{c.HardwareDevice}";

    private static readonly string[] Software = ["h264", "hevc", "libx264", "libx265", "mjpeg"];

    public static TheoryData<string, string[], VideoFormat, CodecDirection, string, CodecPath> Table => new()
    {
        // platform, what opened, format, direction, expected codec, expected path
        { "Jetson (L4T FFmpeg)", [.. Software, "h264_nvv4l2dec", "hevc_nvv4l2dec", "h264_nvv4l2enc", "hevc_nvv4l2enc"], VideoFormat.H264, CodecDirection.Decode, "h264_nvv4l2dec", CodecPath.Jetson },
        { "Jetson (L4T FFmpeg)", [.. Software, "h264_nvv4l2dec", "hevc_nvv4l2dec", "h264_nvv4l2enc", "hevc_nvv4l2enc"], VideoFormat.H265, CodecDirection.Decode, "hevc_nvv4l2dec", CodecPath.Jetson },
        { "Jetson (L4T FFmpeg)", [.. Software, "h264_nvv4l2dec", "hevc_nvv4l2dec", "h264_nvv4l2enc", "hevc_nvv4l2enc"], VideoFormat.H264, CodecDirection.Encode, "h264_nvv4l2enc", CodecPath.Jetson },
        { "Jetson (L4T FFmpeg)", [.. Software, "h264_nvv4l2dec", "hevc_nvv4l2dec", "h264_nvv4l2enc", "hevc_nvv4l2enc"], VideoFormat.Jpeg, CodecDirection.Encode, "mjpeg", CodecPath.Software },
        { "Jetson (Debian FFmpeg, V4L2 M2M)", [.. Software, "h264_v4l2m2m", "hevc_v4l2m2m"], VideoFormat.H264, CodecDirection.Decode, "h264_v4l2m2m", CodecPath.V4l2M2m },
        { "NVIDIA desktop GPU", [.. Software, "h264_cuvid", "hevc_cuvid", "h264_nvenc", "hevc_nvenc"], VideoFormat.H264, CodecDirection.Decode, "h264_cuvid", CodecPath.Nvidia },
        { "NVIDIA desktop GPU", [.. Software, "h264_cuvid", "hevc_cuvid", "h264_nvenc", "hevc_nvenc"], VideoFormat.H264, CodecDirection.Encode, "h264_nvenc", CodecPath.Nvidia },
        { "NVIDIA GPU without NVENC (e.g. a decode-only card)", [.. Software, "h264_cuvid", "hevc_cuvid"], VideoFormat.H264, CodecDirection.Encode, "libx264", CodecPath.Software },
        { "Intel iGPU (VAAPI)", [.. Software, "h264+vaapi", "hevc+vaapi", "h264_vaapi", "hevc_vaapi", "mjpeg_vaapi"], VideoFormat.H265, CodecDirection.Decode, "hevc", CodecPath.Vaapi },
        { "Intel iGPU (VAAPI)", [.. Software, "h264+vaapi", "hevc+vaapi", "h264_vaapi", "hevc_vaapi", "mjpeg_vaapi"], VideoFormat.H264, CodecDirection.Encode, "h264_vaapi", CodecPath.Vaapi },
        { "Intel iGPU (VAAPI)", [.. Software, "h264+vaapi", "hevc+vaapi", "h264_vaapi", "hevc_vaapi", "mjpeg_vaapi"], VideoFormat.Jpeg, CodecDirection.Encode, "mjpeg_vaapi", CodecPath.Vaapi },
        { "Raspberry Pi 4 (V4L2 M2M, H.264 only)", [.. Software, "h264_v4l2m2m"], VideoFormat.H264, CodecDirection.Decode, "h264_v4l2m2m", CodecPath.V4l2M2m },
        { "Raspberry Pi 4 (V4L2 M2M, H.264 only)", [.. Software, "h264_v4l2m2m"], VideoFormat.H265, CodecDirection.Decode, "hevc", CodecPath.Software },
        { "x86 without GPU (this container)", Software, VideoFormat.H264, CodecDirection.Decode, "h264", CodecPath.Software },
        { "x86 without GPU (this container)", Software, VideoFormat.H264, CodecDirection.Encode, "libx264", CodecPath.Software },
        { "x86 without GPU (this container)", Software, VideoFormat.Jpeg, CodecDirection.Encode, "mjpeg", CodecPath.Software },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Chooses_the_most_preferred_path_that_opened(string platform, string[] opened, VideoFormat format, CodecDirection direction, string expected, CodecPath path)
    {
        var choice = CodecSelector.Choose(format, direction, Platform(opened));
        Assert.True(choice.IsOk, $"{platform}: {choice}");
        Assert.Equal(expected, choice.Value.Chosen.FFmpegName);
        Assert.Equal(path, choice.Value.Chosen.Path);
        Assert.False(string.IsNullOrWhiteSpace(choice.Value.Reason));
    }

    [Fact]
    public void Every_passed_over_path_says_why()
    {
        var choice = CodecSelector.Choose(VideoFormat.H264, CodecDirection.Decode, Platform([.. Software, "h264_v4l2m2m"])).Value;
        Assert.Equal(3, choice.PassedOver.Count); // Jetson, NVIDIA, VAAPI
        Assert.All(choice.PassedOver, p => Assert.Contains("did not open: Operation not permitted", p));
    }

    [Fact]
    public void A_hardware_codec_failing_at_run_time_falls_back_to_the_next_path()
    {
        var jetson = Platform([.. Software, "h264_nvv4l2dec", "h264_v4l2m2m"]);
        var first = CodecSelector.Choose(VideoFormat.H264, CodecDirection.Decode, jetson, failedAtRuntime: ["h264_nvv4l2dec"]).Value;
        Assert.Equal("h264_v4l2m2m", first.Chosen.FFmpegName);
        var second = CodecSelector.Choose(VideoFormat.H264, CodecDirection.Decode, jetson, failedAtRuntime: ["h264_nvv4l2dec", "h264_v4l2m2m"]).Value;
        Assert.Equal("h264", second.Chosen.FFmpegName);
        Assert.Contains(second.PassedOver, p => p.Contains("failed at run time"));
    }

    [Fact]
    public void Software_policy_never_chooses_hardware()
    {
        var choice = CodecSelector.Choose(VideoFormat.H264, CodecDirection.Encode, Platform([.. Software, "h264_nvenc"]), CodecPolicy.SoftwareOnly).Value;
        Assert.Equal("libx264", choice.Chosen.FFmpegName);
        Assert.Contains(choice.PassedOver, p => p.Contains("hardware disabled by configuration"));
    }

    [Fact]
    public void Nothing_usable_is_a_failure_naming_every_path()
    {
        var choice = CodecSelector.Choose(VideoFormat.H265, CodecDirection.Encode, Platform("h264"));
        Assert.False(choice.IsOk);
        Assert.Equal("no-codec", choice.Failure!.Code);
        Assert.Contains("libx265", choice.Failure.Message);
        Assert.Contains("hevc_nvv4l2enc", choice.Failure.Message);
    }

    [Fact]
    public void Candidates_not_probed_count_as_absent()
    {
        var choice = CodecSelector.Choose(VideoFormat.H264, CodecDirection.Decode, []);
        Assert.False(choice.IsOk);
        Assert.Contains("not in this FFmpeg build", choice.Failure!.Message);
    }
}
