using Appliance.Abstractions.Events;
using Appliance.Plugins.Media.Plugin.Cameras;
using Appliance.Plugins.Media.Protocol.Codecs;
using Appliance.Plugins.Media.Protocol.Motion;
using Appliance.Plugins.Media.Tests.Shared;
using Appliance.Testing;
using Appliance.Testing.Plugins;
using Xunit;
using Xunit.Abstractions;

namespace Appliance.Plugins.Media.Plugin.Tests;

/// <summary>
/// Motion detection on clips whose motion is known by construction: ffmpeg draws a box that crosses the frame from
/// left to right during known time windows (off-screen outside them) over a static or noisy background; the clip is
/// encoded to H.264, decoded by the plugin's own decoder and analysed at 5 fps as the plugin does. Each analysed
/// frame is scored against the truth; frames where less than a quarter of the box is visible are not scored.
/// </summary>
public sealed class MotionEvaluationTests(ITestOutputHelper output)
{
    private const int Width = 640, Height = 360, Fps = 25, Box = 80, Speed = 240; // px/s: crosses in 3 s
    private static readonly (double From, double To)[] Windows = [(2, 5), (9, 12), (15, 18)];
    private const int Seconds = 20;

    public static TheoryData<string, string> Backgrounds => new()
    {
        { "static", "color=c=gray:s=640x360:r=25" },
        { "noisy", "color=c=gray:s=640x360:r=25,noise=alls=25:allf=t" },
        { "bars+noisy", "smptebars=s=640x360:r=25,noise=alls=15:allf=t" },
    };

    /// <summary>The box's left edge at time <paramref name="t"/> (off-screen outside the windows).</summary>
    private static double BoxX(double t)
    {
        foreach (var (from, to) in Windows)
            if (t >= from && t <= to) return -Box + (t - from) * Speed;
        return -10 * Box;
    }

    private static double VisibleFraction(double t)
    {
        var x = BoxX(t);
        var visible = Math.Min(x + Box, Width) - Math.Max(x, 0);
        return Math.Clamp(visible / Box, 0, 1);
    }

    private static string Clip(string folder, string name, string background)
    {
        var path = Path.Combine(folder, $"motion-{name}.h264");
        if (File.Exists(path)) return path;
        // The box's x: for each window, a linear ramp while t is inside it, far off-screen otherwise.
        var x = string.Join("+", Windows.Select(w => $"between(t,{w.From},{w.To})*(-{Box}+(t-{w.From})*{Speed}+{10 * Box})")) + $"-{10 * Box}";
        Clips.Ffmpeg($"-f lavfi -i \"{background}\" -f lavfi -i \"color=c=white:s={Box}x{Box}:r={Fps}\" " +
                     $"-filter_complex \"[0][1]overlay=x='{x}':y=140:shortest=1,format=yuv420p\" -t {Seconds} " +
                     $"-c:v libx264 -preset ultrafast -x264-params aud=1:keyint=50 -bf 0 -f h264 {path}");
        return path;
    }

    [Theory]
    [MemberData(nameof(Backgrounds))]
    public void Precision_and_recall_are_at_least_0_95_per_clip(string name, string background)
    {
        var runtime = FFmpegInterop.FFmpegRuntime.Load().Value;
        var file = Clip(Clips.TempFolder("motion"), name, background);
        using var decoder = FFmpegInterop.VideoDecoder.Open(runtime, "h264", new FFmpegInterop.DecoderOptions()).Value;
        var detector = new MotionDetector(new MotionSettings());
        int tp = 0, fp = 0, fn = 0, tn = 0, skipped = 0;
        long index = 0;
        var previousT = -1.0;
        FFmpegInterop.FrameScaler? gray = null;
        foreach (var unit in Clips.AccessUnits(file, VideoFormat.H264))
        {
            decoder.Decode(unit.Span, index++, frame =>
            {
                if (frame.Pts % (Fps / 5) != 0) return; // 5 fps analysis
                gray ??= FFmpegInterop.FrameScaler.Open(runtime, frame.Width, frame.Height, frame.PixelFormat, 160, 90,
                    FFmpegInterop.Native.AvConstants.AV_PIX_FMT_GRAY8, FFmpegInterop.Native.AvConstants.SWS_AREA).Value;
                var g = gray.Scale(frame).Value;
                var result = detector.Analyze(g.Plane(0, 90), 160, 90, g.Stride(0));
                var t = frame.Pts / (double)Fps;
                var visibleNow = VisibleFraction(t);
                var visibleBefore = previousT < 0 ? 0 : VisibleFraction(previousT);
                previousT = t;
                if (t == 0) return; // the first frame primes the detector
                // Truth: the box is (mostly) in the picture now or in the previous analysed frame: the scene changed.
                var truth = visibleNow >= 0.25 || visibleBefore >= 0.25;
                var dontCare = !truth && (visibleNow > 0 || visibleBefore > 0);
                if (dontCare) { skipped++; return; }
                if (truth && result.Any) tp++;
                else if (truth) fn++;
                else if (result.Any) fp++;
                else tn++;
            });
        }
        gray?.Dispose();
        var precision = tp + fp == 0 ? 0 : tp / (double)(tp + fp);
        var recall = tp + fn == 0 ? 0 : tp / (double)(tp + fn);
        output.WriteLine($"motion clip {name}: precision {precision:F3} recall {recall:F3} (tp {tp} fp {fp} fn {fn} tn {tn}, {skipped} boundary frames not scored)");
        Console.WriteLine($"motion clip {name}: precision {precision:F3} recall {recall:F3} (tp {tp} fp {fp} fn {fn} tn {tn})");
        Assert.True(tp >= 40, $"only {tp} motion frames scored");
        Assert.True(tn >= 20, $"only {tn} still frames scored");
        Assert.True(precision >= 0.95, $"precision {precision:F3}");
        Assert.True(recall >= 0.95, $"recall {recall:F3}");
    }

    [Fact]
    public async Task The_plugin_publishes_MotionDetected_with_regions_and_a_kept_snapshot()
    {
        var folder = Clips.TempFolder("motion");
        var file = Clip(folder, "static", "color=c=gray:s=640x360:r=25");
        var config = "{\"motion\":{\"cameras\":{\"hall\":{\"regions\":[{\"name\":\"walkway\",\"x\":0,\"y\":0.3,\"width\":1,\"height\":0.4},{\"name\":\"ceiling\",\"x\":0,\"y\":0,\"width\":1,\"height\":0.2}]}}}}";
        var context = MediaContext.Create(config);
        var plugin = new MediaPlugin();
        await plugin.StartAsync(context, CancellationToken.None);
        context.SetCameras("hall");
        await using (FileCamera.Start(context.Streams, "hall", file, VideoFormat.H264, loop: false))
            Assert.True(await Eventually.HoldsWithinAsync(() => context.Outbox.Of<MotionDetected>().Count(m => !m.Active) >= 1, TimeSpan.FromSeconds(90)));
        var motion = context.Outbox.Of<MotionDetected>();
        output.WriteLine(string.Join("\n", motion.Select(m => $"{m.Active} [{string.Join(",", m.Regions ?? [])}] {m.SnapshotId}")));
        var start = motion.First(m => m.Active);
        Assert.Equal("hall", start.CameraId);
        Assert.Equal(["walkway"], start.Regions);
        Assert.NotNull(start.SnapshotId);
        var jpeg = await context.HttpRoutes.CallAsync("GET", "snapshots/{id}", new Dictionary<string, string> { ["id"] = start.SnapshotId! });
        Assert.Equal(200, jpeg.Status);
        var path = Path.Combine(folder, "motion-snapshot.jpg");
        await File.WriteAllBytesAsync(path, jpeg.Body);
        var probe = Clips.Probe(path);
        Assert.Equal(("mjpeg", 640, 360), (probe.Codec, probe.Width, probe.Height));
        await plugin.StopAsync(CancellationToken.None);
        await context.DisposeAsync();
    }
}
