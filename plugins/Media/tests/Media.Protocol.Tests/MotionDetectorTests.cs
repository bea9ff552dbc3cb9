using Appliance.Plugins.Media.Protocol.Motion;
using Xunit;

namespace Appliance.Plugins.Media.Protocol.Tests;

/// <summary>The detector on frames drawn in memory (the clip evaluation through the decoder is in Media.Plugin.Tests).</summary>
public sealed class MotionDetectorTests
{
    private const int W = 160, H = 90;

    private static byte[] Frame(int? boxX = null, int boxY = 30, int noise = 0, int seed = 0, byte background = 100)
    {
        var random = new Random(seed);
        var frame = new byte[W * H];
        for (var i = 0; i < frame.Length; i++) frame[i] = (byte)Math.Clamp(background + (noise == 0 ? 0 : random.Next(-noise, noise + 1)), 0, 255);
        if (boxX is { } x)
            for (var y = boxY; y < boxY + 20 && y < H; y++)
                for (var xx = Math.Max(0, x); xx < x + 20 && xx < W; xx++) frame[y * W + xx] = 230;
        return frame;
    }

    [Fact]
    public void A_static_scene_has_no_motion_and_a_moving_box_has()
    {
        var detector = new MotionDetector(new MotionSettings());
        Assert.False(detector.Analyze(Frame(), W, H, W).Any); // primes
        Assert.False(detector.Analyze(Frame(), W, H, W).Any);
        Assert.True(detector.Analyze(Frame(boxX: 50), W, H, W).Any);
        Assert.True(detector.Analyze(Frame(boxX: 62), W, H, W).Any);
    }

    [Fact]
    public void Sensor_noise_alone_is_not_motion()
    {
        var detector = new MotionDetector(new MotionSettings(Sensitivity: 80));
        for (var i = 0; i < 20; i++) Assert.False(detector.Analyze(Frame(noise: 12, seed: i), W, H, W).Any);
    }

    [Fact]
    public void Named_regions_report_only_where_the_motion_is()
    {
        var settings = new MotionSettings(Regions: [new MotionRegion("left", new NormalizedRect(0, 0, 0.5, 1)), new MotionRegion("right", new NormalizedRect(0.5, 0, 0.5, 1))]);
        var detector = new MotionDetector(settings);
        detector.Analyze(Frame(), W, H, W);
        var result = detector.Analyze(Frame(boxX: 110), W, H, W);
        Assert.Equal(["right"], result.ActiveRegions);
    }

    [Fact]
    public void Masked_areas_are_ignored()
    {
        var detector = new MotionDetector(new MotionSettings(Masks: [new NormalizedRect(0.5, 0, 0.5, 1)]));
        detector.Analyze(Frame(), W, H, W);
        Assert.False(detector.Analyze(Frame(boxX: 110), W, H, W).Any);
        Assert.True(detector.Analyze(Frame(boxX: 20), W, H, W).Any);
    }

    [Fact]
    public void Lower_sensitivity_ignores_small_motion()
    {
        var low = new MotionDetector(new MotionSettings(Sensitivity: 1));
        var high = new MotionDetector(new MotionSettings(Sensitivity: 100));
        var small = Frame(boxX: 50, boxY: 30);
        Array.Fill(small, (byte)100);
        for (var y = 40; y < 45; y++) for (var x = 50; x < 55; x++) small[y * W + x] = 140;
        low.Analyze(Frame(), W, H, W);
        high.Analyze(Frame(), W, H, W);
        Assert.False(low.Analyze(small, W, H, W).Any);
        Assert.True(high.Analyze(small, W, H, W).Any);
    }

    [Fact]
    public void Inconsistent_geometry_is_refused()
    {
        var detector = new MotionDetector(new MotionSettings());
        Assert.Throws<ArgumentException>(() => detector.Analyze(new byte[10], W, H, W));
    }

    [Fact]
    public void Tracker_starts_at_once_and_ends_after_quiet_frames()
    {
        var tracker = new MotionEventTracker(startFrames: 1, endFrames: 3);
        var moving = new MotionFrameResult(["door"], new Dictionary<string, double>(), 0);
        var quiet = new MotionFrameResult([], new Dictionary<string, double>(), 0);
        Assert.Equal(new[] { "door" }, tracker.Next(moving)!.Regions);
        Assert.Null(tracker.Next(quiet));
        Assert.Null(tracker.Next(moving)); // a short pause does not end the event
        Assert.Null(tracker.Next(quiet));
        Assert.Null(tracker.Next(quiet));
        var end = tracker.Next(quiet);
        Assert.NotNull(end);
        Assert.False(end!.Active);
    }
}
