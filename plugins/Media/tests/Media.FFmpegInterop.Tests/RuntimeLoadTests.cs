using Appliance.Plugins.Media.FFmpegInterop.Native;
using Xunit;

namespace Appliance.Plugins.Media.FFmpegInterop.Tests;

public sealed class RuntimeLoadTests
{
    [Fact]
    public void Loads_ffmpeg_5_1_and_reports_its_versions()
    {
        var runtime = FFmpegRuntime.Load();
        Assert.True(runtime.IsOk, runtime.ToString());
        Assert.Equal(LibraryNames.AvCodecMajor, runtime.Value.Versions.AvCodec.Major);
        Assert.Equal(LibraryNames.AvUtilMajor, runtime.Value.Versions.AvUtil.Major);
        Assert.Equal(LibraryNames.SwScaleMajor, runtime.Value.Versions.SwScale.Major);
    }

    [Fact]
    public void A_missing_library_is_named_in_the_error()
    {
        var runtime = FFmpegRuntime.Load("libavcodec.so.58", LibraryNames.AvUtil, LibraryNames.SwScale);
        Assert.False(runtime.IsOk);
        Assert.Equal("missing-library", runtime.Failure!.Code);
        Assert.Contains("libavcodec.so.58", runtime.Failure.Message);
        Assert.Contains("libavcodec59", runtime.Failure.Message);
    }

    [Fact]
    public void Unpacks_av_version_int()
    {
        Assert.Equal(new Version(59, 37, 100), FFmpegRuntime.Unpack((59u << 16) | (37u << 8) | 100u));
    }
}
