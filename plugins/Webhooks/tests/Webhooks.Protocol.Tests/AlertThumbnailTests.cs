using Appliance.Plugins.Shared;

namespace Appliance.Plugins.Webhooks.Tests;

/// <summary>The shared alert-image reader (plugins/Shared/Thumbnails) against malformed, truncated, oversized and hostile input.</summary>
public sealed class AlertThumbnailTests
{
    /// <summary>SOI, an APP0 segment, a baseline frame header of <paramref name="width"/> x <paramref name="height"/>, a scan, EOI.</summary>
    private static byte[] Jpeg(int width, int height) =>
    [
        0xFF, 0xD8,
        0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46,
        0xFF, 0xC0, 0x00, 0x0B, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 0x01, 0x01, 0x11, 0x00,
        0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34,
        0xFF, 0xD9,
    ];

    [Fact]
    public void The_picture_size_is_read_from_the_frame_header()
    {
        var image = AlertThumbnails.Parse("event-a", Jpeg(1920, 1080), 1000).Value;
        Assert.Equal((1920, 1080), (image.Width, image.Height));
        // Fill bytes before a marker are allowed.
        var filled = Jpeg(640, 360).ToList();
        filled.Insert(2, 0xFF);
        Assert.Equal(640, AlertThumbnails.Parse("event-a", [.. filled], 1000).Value.Width);
    }

    [Theory]
    [InlineData(new byte[0], "no start-of-image")]
    [InlineData(new byte[] { 0xFF, 0xD8 }, "no start-of-image")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0xFF, 0xD9 }, "no start-of-image")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A }, "no end-of-image")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF, 0xFF, 0xD9 }, "running past its end")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x00, 0xFF, 0xD9 }, "running past its end")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0x12, 0x34, 0x56, 0x78, 0xFF, 0xD9 }, "no marker at byte 2")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9 }, "no frame header")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x04, 0x08, 0x00, 0xFF, 0xD9 }, "short frame header")]
    public void Malformed_and_truncated_files_are_not_jpegs(byte[] bytes, string fragment)
    {
        var result = AlertThumbnails.Parse("event-x", bytes, 1000);
        Assert.Equal("not-jpeg", result.Failure!.Code);
        Assert.Contains(fragment, result.Failure.Message);
        Assert.Contains("event-x", result.Failure.Message);
    }

    [Fact]
    public void A_zero_sized_picture_is_refused()
    {
        Assert.Contains("0x1080", AlertThumbnails.Parse("event-x", Jpeg(0, 1080), 1000).Failure!.Message);
    }

    [Fact]
    public void Over_the_limit_is_too_large_without_being_read()
    {
        var result = AlertThumbnails.Parse("event-x", Jpeg(10, 10), 10);
        Assert.Equal("too-large", result.Failure!.Code);
        Assert.Contains("the limit is 10", result.Failure.Message);
    }

    [Fact]
    public void No_path_means_no_image_and_a_path_that_is_gone_is_missing()
    {
        Assert.Null(AlertThumbnails.Read(new Dictionary<string, string>(), 1000));
        Assert.Null(AlertThumbnails.Read(new Dictionary<string, string> { ["snapshotPath"] = "" }, 1000));
        var gone = AlertThumbnails.Read(new Dictionary<string, string> { ["snapshotPath"] = "/nonexistent/event-x.jpg" }, 1000);
        Assert.Equal("missing", gone!.Value.Failure!.Code);
        var folder = AlertThumbnails.Read(new Dictionary<string, string> { ["snapshotPath"] = Path.GetTempPath() }, 1000);
        Assert.False(folder!.Value.IsOk); // a directory is not an image
    }
}
