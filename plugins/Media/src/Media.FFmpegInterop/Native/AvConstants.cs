namespace Appliance.Plugins.Media.FFmpegInterop.Native;

/// <summary>Enum values and flags from the FFmpeg 5.1 headers that this layer uses (checked by StructLayoutTests).</summary>
public static class AvConstants
{
    public const int AV_PIX_FMT_NONE = -1;
    public const int AV_PIX_FMT_YUV420P = 0;
    public const int AV_PIX_FMT_GRAY8 = 8;
    public const int AV_PIX_FMT_YUVJ420P = 12;
    public const int AV_PIX_FMT_NV12 = 23;
    public const int AV_PIX_FMT_VAAPI = 44;
    public const int AV_PIX_FMT_CUDA = 117;

    public const int AVERROR_EAGAIN = -11;
    public const int AVERROR_EOF = -541478725;

    public const int AV_CODEC_ID_MJPEG = 7;
    public const int AV_CODEC_ID_H264 = 27;
    public const int AV_CODEC_ID_HEVC = 173;

    public const int AV_CODEC_FLAG_LOW_DELAY = 1 << 19;
    public const int AV_CODEC_FLAG_GLOBAL_HEADER = 1 << 22;

    public const int FF_THREAD_FRAME = 1;
    public const int FF_THREAD_SLICE = 2;

    public const int AV_PKT_FLAG_KEY = 1;

    public const int SWS_FAST_BILINEAR = 1;
    public const int SWS_BILINEAR = 2;
    public const int SWS_AREA = 0x20;

    public const int AV_HWDEVICE_TYPE_CUDA = 2;
    public const int AV_HWDEVICE_TYPE_VAAPI = 3;
}
