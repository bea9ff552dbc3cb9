using Appliance.Abstractions;
using Appliance.Abstractions.Media;

namespace Appliance.Plugins.Recording.Protocol.Video;

/// <summary>The video codecs a recording holds, with their MPEG-TS stream type.</summary>
public enum VideoCodec { H264, H265 }

public static class VideoCodecs
{
    /// <summary>ISO/IEC 13818-1 stream_type: 0x1B AVC, 0x24 HEVC.</summary>
    public static byte StreamType(this VideoCodec codec) => codec == VideoCodec.H264 ? (byte)0x1B : (byte)0x24;

    /// <summary>The recordable codec of a hub track, or a failure naming what it is.</summary>
    public static Result<VideoCodec> From(MediaCodec codec) => codec switch
    {
        MediaCodec.H264 => VideoCodec.H264,
        MediaCodec.H265 => VideoCodec.H265,
        _ => new Failure("unsupported", $"only H.264 and H.265 video is recorded, not {codec}"),
    };
}
