namespace Appliance.Plugins.Media.FFmpegInterop.Native;

/// <summary>The sonames of Debian 12's FFmpeg 5.1 this layer is written against, and their major versions.</summary>
public static class LibraryNames
{
    public const string AvCodec = "libavcodec.so.59";
    public const string AvUtil = "libavutil.so.57";
    public const string SwScale = "libswscale.so.6";

    public const int AvCodecMajor = 59;
    public const int AvUtilMajor = 57;
    public const int SwScaleMajor = 6;
}
