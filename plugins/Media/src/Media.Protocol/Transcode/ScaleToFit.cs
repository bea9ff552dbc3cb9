using Appliance.Abstractions;

namespace Appliance.Plugins.Media.Protocol.Transcode;

/// <summary>
/// The output size of a downscale: the source scaled to fit inside the box, aspect ratio kept, never enlarged, both
/// sides even (4:2:0 chroma). Pure.
/// </summary>
public static class ScaleToFit
{
    /// <summary>The largest box accepted (8K).</summary>
    public const int MaxSide = 8192;

    /// <summary>The size, or <c>invalid</c> for a source or box side outside 2..<see cref="MaxSide"/>.</summary>
    public static Result<(int Width, int Height)> Size(int width, int height, int maxWidth, int maxHeight)
    {
        if (width is < 2 or > MaxSide || height is < 2 or > MaxSide) return new Failure("invalid", $"a source of {width}x{height} is outside 2..{MaxSide}");
        if (maxWidth is < 2 or > MaxSide || maxHeight is < 2 or > MaxSide) return new Failure("invalid", $"a box of {maxWidth}x{maxHeight} is outside 2..{MaxSide}");
        var scale = Math.Min(1.0, Math.Min(maxWidth / (double)width, maxHeight / (double)height));
        var w = Math.Max(2, (int)Math.Floor(width * scale) & ~1);
        var h = Math.Max(2, (int)Math.Floor(height * scale) & ~1);
        return (w, h);
    }
}
