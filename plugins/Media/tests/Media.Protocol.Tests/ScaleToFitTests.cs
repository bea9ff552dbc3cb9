using Appliance.Plugins.Media.Protocol.Transcode;
using Xunit;

namespace Appliance.Plugins.Media.Protocol.Tests;

public sealed class ScaleToFitTests
{
    [Theory]
    [InlineData(2560, 1440, 1920, 1080, 1920, 1080)] // 4MP 16:9 -> 2MP
    [InlineData(2688, 1520, 1920, 1080, 1908, 1080)] // 4MP 2688x1520: width-bound would be 1920x1085, so height-bound
    [InlineData(3840, 2160, 1920, 1080, 1920, 1080)]
    [InlineData(2048, 1536, 1920, 1080, 1440, 1080)] // 4:3
    [InlineData(1080, 1920, 1920, 1080, 606, 1080)] // portrait (corridor mode)
    [InlineData(1280, 720, 1920, 1080, 1280, 720)] // never enlarged
    [InlineData(641, 359, 1920, 1080, 640, 358)] // odd sides made even
    [InlineData(8192, 2, 1920, 1080, 1920, 2)]
    public void Fits_inside_the_box_keeps_the_aspect_and_never_enlarges(int w, int h, int maxW, int maxH, int expectedW, int expectedH)
    {
        var size = ScaleToFit.Size(w, h, maxW, maxH);
        Assert.True(size.IsOk, size.ToString());
        Assert.Equal((expectedW, expectedH), size.Value);
    }

    [Theory]
    [InlineData(0, 1080, 1920, 1080)]
    [InlineData(-1920, 1080, 1920, 1080)]
    [InlineData(1920, 1080, 0, 1080)]
    [InlineData(1920, 1080, 1920, 100_000)]
    [InlineData(int.MaxValue, 1080, 1920, 1080)]
    [InlineData(1, 1, 1920, 1080)]
    public void Sides_outside_the_range_are_invalid(int w, int h, int maxW, int maxH)
    {
        var size = ScaleToFit.Size(w, h, maxW, maxH);
        Assert.Equal("invalid", size.Failure!.Code);
        Assert.Contains("outside", size.Failure.Message, StringComparison.Ordinal);
    }
}
