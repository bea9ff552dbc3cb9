using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Media.Protocol.Codecs;
using Appliance.Plugins.Media.Tests.Shared;
using Appliance.Testing;
using Appliance.Testing.Plugins;
using Xunit;
using Xunit.Abstractions;

namespace Appliance.Plugins.Media.Plugin.Tests;

/// <summary>The plugin with the real stream hub fed by ffmpeg-made streams; outputs checked by ffprobe.</summary>
public sealed class PluginTests(ITestOutputHelper output)
{
    private readonly string _folder = Clips.TempFolder("plugin");
    private static readonly Dictionary<string, string> None = new();

    private static async Task<(MediaPlugin Plugin, PluginContextDouble Context)> StartAsync(string config = "{}", params string[] cameras)
    {
        var context = MediaContext.Create(config);
        var plugin = new MediaPlugin();
        await plugin.StartAsync(context, CancellationToken.None);
        context.SetCameras(cameras);
        return (plugin, context);
    }

    private static async Task StopAsync(MediaPlugin plugin, PluginContextDouble context)
    {
        await plugin.StopAsync(CancellationToken.None);
        await context.DisposeAsync();
        Assert.Empty(context.BackgroundFailures);
    }

    [Fact]
    public async Task Snapshot_route_serves_a_jpeg_of_the_frame_size_with_an_etag_and_answers_304_for_it()
    {
        var (plugin, context) = await StartAsync("{}", "lobby");
        var file = Clips.Elementary(_folder, VideoFormat.H264, 1280, 720, 2);
        await using (FileCamera.Start(context.Streams, "lobby", file, VideoFormat.H264, loop: false))
        {
            Assert.True(await Eventually.HoldsWithinAsync(() => plugin.Pipeline("lobby")?.FramesDecoded > 10, TimeSpan.FromSeconds(60)));
        }
        var values = new Dictionary<string, string> { ["id"] = "lobby" };
        var first = await context.HttpRoutes.CallAsync("GET", "cameras/{id}/snapshot", values);
        Assert.True(first.Status == 200, $"{first.Status}: {System.Text.Encoding.UTF8.GetString(first.Body)}");
        Assert.Equal("image/jpeg", first.Headers["Content-Type"]);
        var etag = first.Headers["ETag"];
        var path = Path.Combine(_folder, "lobby.jpg");
        await File.WriteAllBytesAsync(path, first.Body);
        var probe = Clips.Probe(path);
        output.WriteLine($"snapshot {first.Body.Length} bytes, ETag {etag}, ffprobe {probe}");
        Assert.Equal(("mjpeg", 1280, 720), (probe.Codec, probe.Width, probe.Height));

        var again = await context.HttpRoutes.CallAsync("GET", "cameras/{id}/snapshot", values, headers: new Dictionary<string, string> { ["If-None-Match"] = etag });
        Assert.Equal(304, again.Status);
        Assert.Empty(again.Body);

        var unknown = await context.HttpRoutes.CallAsync("GET", "cameras/{id}/snapshot", new Dictionary<string, string> { ["id"] = "nowhere" });
        Assert.Equal(404, unknown.Status);
        await StopAsync(plugin, context);
    }

    [Fact]
    public async Task Sd_stream_is_encoded_only_while_subscribed_and_ffprobe_plays_it()
    {
        var (plugin, context) = await StartAsync("{\"motion\":{\"enabled\":false}}", "yard");
        var file = Clips.Elementary(_folder, VideoFormat.H264, 1280, 720, 4);
        await using var camera = FileCamera.Start(context.Streams, "yard", file, VideoFormat.H264);
        Assert.True(await Eventually.HoldsWithinAsync(() => plugin.Pipeline("yard")?.FramesDecoded > 20, TimeSpan.FromSeconds(60)));
        Assert.False(plugin.Pipeline("yard")!.Sd.Running);
        Assert.Equal(0, plugin.Pipeline("yard")!.Sd.UnitsWritten);

        var annexB = Path.Combine(_folder, "yard-sd.h264");
        var (written, _) = await ReadStreamAsync(context.Streams, "camera/yard/sd", 75, annexB);
        var probe = Clips.Probe(annexB, "h264");
        output.WriteLine($"sd: {written} units, ffprobe {probe}; decoder {plugin.Pipeline("yard")!.DecoderName}");
        Assert.Equal(("h264", 640, 360), (probe.Codec, probe.Width, probe.Height));
        Assert.True(probe.Frames >= 50, $"ffprobe decoded {probe.Frames} frames");

        // Nobody watches any more: the encoder stops.
        Assert.True(await Eventually.HoldsWithinAsync(() => !plugin.Pipeline("yard")!.Sd.Running, TimeSpan.FromSeconds(30)));
        await StopAsync(plugin, context);
    }

    [Fact]
    public async Task An_h265_camera_gets_an_h264_stream_for_browsers()
    {
        var (plugin, context) = await StartAsync("{\"motion\":{\"enabled\":false}}", "gate");
        var file = Clips.Elementary(_folder, VideoFormat.H265, 640, 360, 4);
        await using var camera = FileCamera.Start(context.Streams, "gate", file, VideoFormat.H265);
        var annexB = Path.Combine(_folder, "gate-h264.h264");
        var (written, descriptor) = await ReadStreamAsync(context.Streams, "camera/gate/h264", 60, annexB);
        var probe = Clips.Probe(annexB, "h264");
        output.WriteLine($"h265 -> h264: {written} units, ffprobe {probe}");
        Assert.Equal(("h264", 640, 360), (probe.Codec, probe.Width, probe.Height));
        Assert.True(probe.Frames >= 40);
        Assert.NotNull(descriptor);
        Assert.Equal(2, descriptor!.Tracks[0].Parameters.Count); // SPS and PPS found in the first keyframe
        await StopAsync(plugin, context);
    }

    /// <summary>Subscribes to <paramref name="name"/> from its first keyframe, writes <paramref name="count"/> units to a file.</summary>
    private static async Task<(int Written, StreamDescriptor? Descriptor)> ReadStreamAsync(IStreamHub hub, string name, int count, string path)
    {
        using var subscription = hub.Subscribe(name);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var file = File.Create(path);
        var written = 0;
        var started = false;
        while (written < count)
        {
            var unit = await subscription.ReadAsync(cts.Token);
            try
            {
                started |= unit.IsKeyframe;
                if (!started) continue;
                await file.WriteAsync(unit.Payload, cts.Token);
                written++;
            }
            finally
            {
                unit.Release();
            }
        }
        return (written, subscription.Descriptor);
    }

    [Fact]
    public async Task Corrupt_units_are_errors_of_that_camera_and_clean_ones_recover()
    {
        var (plugin, context) = await StartAsync("{\"motion\":{\"enabled\":false}}", "bad");
        var file = Clips.Elementary(_folder, VideoFormat.H264, 640, 360, 2);
        var random = new Random(5);
        await using (FileCamera.Start(context.Streams, "bad", file, VideoFormat.H264, loop: false, damage: (i, u) =>
        {
            if (i >= 25) return u;
            var copy = u.ToArray();
            if (i % 2 == 0) return copy.AsMemory(0, copy.Length / 3); // truncated
            for (var k = 8; k < copy.Length; k += 50) copy[k] ^= (byte)(1 << random.Next(8)); // bit flips
            return copy;
        }))
        {
            Assert.True(await Eventually.HoldsWithinAsync(() => plugin.Pipeline("bad")?.FramesDecoded >= 20, TimeSpan.FromSeconds(60)));
        }
        var pipeline = plugin.Pipeline("bad")!;
        output.WriteLine($"frames {pipeline.FramesDecoded}, errors {pipeline.DecodeErrors}, health {context.HealthReports.Components["camera/bad"].Message}");
        var snapshot = await context.HttpRoutes.CallAsync("GET", "cameras/{id}/snapshot", new Dictionary<string, string> { ["id"] = "bad" });
        Assert.Equal(200, snapshot.Status);
        await StopAsync(plugin, context);
    }

    [Fact]
    public async Task Codec_choice_is_in_health_and_on_the_codecs_route_and_portal_page()
    {
        var (plugin, context) = await StartAsync();
        var health = context.HealthReports.Components["codecs"];
        output.WriteLine(health.Message);
        Assert.Equal(HealthState.Healthy, health.State);
        Assert.Contains("h264 (Software)", health.Message);
        Assert.Contains("libx264 (Software)", health.Message);
        var codecs = await context.HttpRoutes.CallAsync("GET", "codecs", None);
        var json = System.Text.Encoding.UTF8.GetString(codecs.Body);
        Assert.Contains("\"chosen\": \"libx264\"", json);
        Assert.Contains("h264_nvv4l2dec", json); // probed, with why it did not open
        var page = await context.HttpRoutes.CallAsync("GET", "page", None);
        Assert.Contains("mjpeg", System.Text.Encoding.UTF8.GetString(page.Body));
        Assert.Contains("ffmpeg", context.HealthReports.Components.Keys);
        await StopAsync(plugin, context);
    }

    [Fact]
    public async Task Events_of_configured_types_keep_a_snapshot_under_the_event_id_and_reference_images_are_kept()
    {
        var (plugin, context) = await StartAsync("{\"motion\":{\"enabled\":false}}", "dock");
        var file = Clips.Elementary(_folder, VideoFormat.H264, 640, 360, 1);
        await using (FileCamera.Start(context.Streams, "dock", file, VideoFormat.H264, loop: false))
            Assert.True(await Eventually.HoldsWithinAsync(() => plugin.Pipeline("dock")?.FramesDecoded > 5, TimeSpan.FromSeconds(60)));
        var envelope = await context.Outbox.DeliverToSubscribersAsync(new CameraEventReceived("dock", "tns1:VideoSource/Tamper", new Dictionary<string, string>()));
        var id = $"event-{envelope.Id:N}-dock";
        var stored = await context.HttpRoutes.CallAsync("GET", "snapshots/{id}", new Dictionary<string, string> { ["id"] = id });
        Assert.Equal(200, stored.Status);
        await File.WriteAllBytesAsync(Path.Combine(_folder, "event.jpg"), stored.Body);
        Assert.Equal(("mjpeg", 640, 360), (Clips.Probe(Path.Combine(_folder, "event.jpg")) is var p ? (p.Codec, p.Width, p.Height) : default));

        var midnight = new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(1, await plugin.TakeReferenceImagesAsync(midnight, CancellationToken.None));
        Assert.Contains(plugin.Store!.List(), s => s.Id == "reference-dock-20261202T0000-night");
        // Announced (issue 20 item 4), naming the image as it is kept, byte count included.
        var taken = Assert.Single(context.Outbox.Of<ReferenceImageTaken>());
        Assert.Equal(new ReferenceImageTaken("dock", "reference-dock-20261202T0000-night", "night", midnight, plugin.Store.Read(taken.SnapshotId)!.Length), taken);
        Assert.Equal(1, await plugin.TakeReferenceImagesAsync(midnight.AddHours(12), CancellationToken.None));
        Assert.Equal("day", context.Outbox.Of<ReferenceImageTaken>().Last().Label);
        var missing = await context.HttpRoutes.CallAsync("GET", "snapshots/{id}", new Dictionary<string, string> { ["id"] = "../etc/passwd" });
        Assert.Equal(404, missing.Status);
        await StopAsync(plugin, context);
    }

    [Fact]
    public async Task Bad_configuration_is_refused_with_its_path()
    {
        var context = MediaContext.Create("{\"motion\":{\"cameras\":{\"lobby\":{\"regions\":[{\"name\":\"door\",\"x\":2,\"y\":0,\"width\":1,\"height\":1}]}}}}");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new MediaPlugin().StartAsync(context, CancellationToken.None));
        Assert.Contains("motion.cameras.lobby.regions[0].x", error.Message);
        await context.DisposeAsync();
    }

    [Theory]
    [InlineData("{\"reference\":{\"budgetMegabytes\":0}}", "reference.budgetMegabytes: 0 is outside")]
    [InlineData("{\"snapshot\":{\"budgetMegabytes\":-1}}", "snapshot.budgetMegabytes: -1 is outside")]
    [InlineData("{\"reference\":{\"budgetMegabytes\":9007199254740993}}", "reference.budgetMegabytes: 9007199254740993 is outside")]
    [InlineData("{\"faultInjection\":{\"enabled\":\"yes\"}}", "faultInjection.enabled: \"yes\" is not true or false")]
    [InlineData("{\"faultInjection\":{\"enabled\":1}}", "faultInjection.enabled: 1 is not true or false")]
    public async Task Bad_snapshot_budgets_and_fault_injection_switches_are_refused_with_their_key(string config, string fragment)
    {
        var context = MediaContext.Create(config);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new MediaPlugin().StartAsync(context, CancellationToken.None));
        Assert.Contains(fragment, error.Message);
        await context.DisposeAsync();
    }
}
