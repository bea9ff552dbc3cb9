namespace Appliance.Plugins.Media.Protocol.Motion;

/// <summary>A rectangle in normalised frame coordinates (0..1 from the top left), so it survives resolution changes.</summary>
public sealed record NormalizedRect(double X, double Y, double Width, double Height)
{
    public static NormalizedRect Whole { get; } = new(0, 0, 1, 1);

    /// <summary>Pixel bounds [x0, x1) x [y0, y1) in a frame of <paramref name="width"/> x <paramref name="height"/>.</summary>
    public (int X0, int Y0, int X1, int Y1) ToPixels(int width, int height)
    {
        static int Clamp(double v, int max) => (int)Math.Clamp(Math.Round(v * max), 0, max);
        return (Clamp(X, width), Clamp(Y, height), Clamp(X + Width, width), Clamp(Y + Height, height));
    }
}

/// <summary>A named area whose motion is reported (e.g. <c>door</c>).</summary>
public sealed record MotionRegion(string Name, NormalizedRect Area);

/// <summary>
/// Motion detection settings of one camera. <see cref="Sensitivity"/> 1..100 sets both how much a pixel must change
/// (above the frame's own noise floor) and how much of a region must change; higher finds smaller and fainter motion.
/// Masks are never analysed (a tree, a busy road). With no regions the whole frame is one region named <c>frame</c>.
/// </summary>
public sealed record MotionSettings(
    int Sensitivity = 50,
    IReadOnlyList<MotionRegion>? Regions = null,
    IReadOnlyList<NormalizedRect>? Masks = null)
{
    public IReadOnlyList<MotionRegion> EffectiveRegions =>
        Regions is { Count: > 0 } ? Regions : [new MotionRegion("frame", NormalizedRect.Whole)];

    /// <summary>Gray-level change (0..255) above the noise floor that marks a pixel as changed.</summary>
    public int PixelThreshold => 8 + (100 - Math.Clamp(Sensitivity, 1, 100)) * 32 / 100;

    /// <summary>Fraction of a region's unmasked pixels that must change for the region to be active.</summary>
    public double AreaThreshold => 0.002 + (100 - Math.Clamp(Sensitivity, 1, 100)) * 0.0002;
}
