namespace Appliance.Plugins.Media.Protocol.Codecs;

/// <summary>Compressed formats the media plugin decodes or encodes.</summary>
public enum VideoFormat { H264, H265, Jpeg }

public enum CodecDirection { Decode, Encode }

/// <summary>Where a codec runs, in the order of preference (lower is preferred).</summary>
public enum CodecPath
{
    /// <summary>NVIDIA Jetson (L4T FFmpeg's <c>*_nvv4l2dec</c>/<c>*_nvv4l2enc</c>).</summary>
    Jetson = 0,
    /// <summary>NVIDIA desktop/server GPUs: NVDEC (<c>*_cuvid</c>) and NVENC (<c>*_nvenc</c>).</summary>
    Nvidia = 1,
    /// <summary>VA-API (Intel/AMD): the software decoder name with a VAAPI device, <c>*_vaapi</c> encoders.</summary>
    Vaapi = 2,
    /// <summary>V4L2 memory-to-memory codecs (Raspberry Pi, Rockchip, Amlogic...): <c>*_v4l2m2m</c>.</summary>
    V4l2M2m = 3,
    /// <summary>The CPU: <c>h264</c>/<c>hevc</c> decoders, <c>libx264</c>/<c>libx265</c>/<c>mjpeg</c> encoders.</summary>
    Software = 4,
}

/// <summary>One way to decode or encode a format: an FFmpeg codec name on a path.</summary>
/// <param name="HardwareDevice">The device the FFmpeg codec needs (VAAPI decoding), or null.</param>
public sealed record CodecCandidate(VideoFormat Format, CodecDirection Direction, CodecPath Path, string FFmpegName, string? HardwareDevice = null)
{
    public override string ToString() => HardwareDevice is null ? $"{FFmpegName} ({Path})" : $"{FFmpegName}+{HardwareDevice} ({Path})";
}

/// <summary>Every candidate the plugin knows, in order of preference per format and direction.</summary>
public static class CodecCandidates
{
    /// <summary>Candidates for <paramref name="format"/> and <paramref name="direction"/>, most preferred first.</summary>
    public static IReadOnlyList<CodecCandidate> For(VideoFormat format, CodecDirection direction)
    {
        var c = (CodecPath path, string name, string? device) => new CodecCandidate(format, direction, path, name, device);
        return (format, direction) switch
        {
            (VideoFormat.H264, CodecDirection.Decode) =>
                [c(CodecPath.Jetson, "h264_nvv4l2dec", null), c(CodecPath.Nvidia, "h264_cuvid", null), c(CodecPath.Vaapi, "h264", "vaapi"),
                 c(CodecPath.V4l2M2m, "h264_v4l2m2m", null), c(CodecPath.Software, "h264", null)],
            (VideoFormat.H265, CodecDirection.Decode) =>
                [c(CodecPath.Jetson, "hevc_nvv4l2dec", null), c(CodecPath.Nvidia, "hevc_cuvid", null), c(CodecPath.Vaapi, "hevc", "vaapi"),
                 c(CodecPath.V4l2M2m, "hevc_v4l2m2m", null), c(CodecPath.Software, "hevc", null)],
            (VideoFormat.H264, CodecDirection.Encode) =>
                [c(CodecPath.Jetson, "h264_nvv4l2enc", null), c(CodecPath.Nvidia, "h264_nvenc", null), c(CodecPath.Vaapi, "h264_vaapi", null),
                 c(CodecPath.V4l2M2m, "h264_v4l2m2m", null), c(CodecPath.Software, "libx264", null)],
            (VideoFormat.H265, CodecDirection.Encode) =>
                [c(CodecPath.Jetson, "hevc_nvv4l2enc", null), c(CodecPath.Nvidia, "hevc_nvenc", null), c(CodecPath.Vaapi, "hevc_vaapi", null),
                 c(CodecPath.V4l2M2m, "hevc_v4l2m2m", null), c(CodecPath.Software, "libx265", null)],
            (VideoFormat.Jpeg, CodecDirection.Encode) =>
                [c(CodecPath.Vaapi, "mjpeg_vaapi", null), c(CodecPath.Software, "mjpeg", null)],
            (VideoFormat.Jpeg, CodecDirection.Decode) => [c(CodecPath.Software, "mjpeg", null)],
            _ => [],
        };
    }

    /// <summary>Every candidate of every format and direction (what a probe tries).</summary>
    public static IReadOnlyList<CodecCandidate> All { get; } =
        Enum.GetValues<VideoFormat>()
            .SelectMany(f => Enum.GetValues<CodecDirection>().SelectMany(d => For(f, d)))
            .ToArray();
}
