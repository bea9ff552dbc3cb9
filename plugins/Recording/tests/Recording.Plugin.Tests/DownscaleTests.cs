using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Plugins.Recording.Tests.Shared;
using Appliance.Testing;
using Xunit.Abstractions;

namespace Appliance.Plugins.Recording.Plugin.Tests;

/// <summary>A 4MP (2560x1440) GStreamer camera recorded by the real host; a clip asked with downscale: true is
/// re-encoded by the media plugin (its own process, the codecs' owner) through the hub and comes back 1920x1080,
/// every frame there, and plays cleanly in ffprobe and ffmpeg.</summary>
public sealed class DownscaleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_4MP_clip_asked_with_downscale_comes_back_1920x1080_from_the_media_plugin()
    {
        var media = (BundledPlugins.Media, "appliance.media", new JsonObject { ["motion"] = new JsonObject { ["enabled"] = false } });
        await using var rig = await RecordingHost.StartAsync(new JsonObject { ["segmentSeconds"] = 2 },
            cameraArgs: "--width 2560 --height 1440 --fps 10 --keyint 10 --bitrate 3000", others: [media]);
        try
        {
            var segments = await Eventually.ValueAsync(rig.ClosedSegmentsAsync, s => s.Count >= 3, "three closed segments", RecordingHost.Patience);
            var (from, to) = (segments[0].Start, segments[2].End);
            using var created = await rig.PostClipAsync(new { cameraId = rig.CameraId, from = from.ToString("O"), to = to.ToString("O"), downscale = true });
            var body = await created.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(created.StatusCode == HttpStatusCode.Accepted, body.ToString());
            var id = body.GetProperty("id").GetString()!;
            var progress = new List<double>();
            var done = await Eventually.ValueAsync(async () =>
            {
                var c = await rig.ClipAsync(id);
                progress.Add(c.GetProperty("progress").GetDouble());
                return c;
            }, c => c.GetProperty("state").GetString() is "done" or "failed", "the clip cut and downscaled", RecordingHost.Patience);
            output.WriteLine($"clip {done}; progress seen {string.Join(", ", progress.Distinct())}");
            Assert.Equal("done", done.GetProperty("state").GetString());
            Assert.Equal(JsonValueKind.Null, done.GetProperty("error").ValueKind);

            var (size, probe) = await ProbeAsync(rig, id);
            output.WriteLine($"downscaled: {probe}, {size}");
            Assert.Equal("h264,1920,1080", size);
            Assert.True(probe.FirstIsKeyframe);
            Assert.Equal("", probe.DecodeErrors);
            // Every frame of the cut came back (the index's frame count is the downscaled file's).
            Assert.Equal(done.GetProperty("frames").GetInt32(), probe.Frames);
            Assert.InRange(probe.Seconds, (to - from).TotalSeconds - 1.5, (to - from).TotalSeconds + 1.5);

            var events = await rig.Client.GetFromJsonAsync<JsonElement>("/api/v1/events?type=TranscodeStateChanged&limit=10");
            var states = events.EnumerateArray().Select(e => e.GetProperty("data").GetProperty("state").GetString()).ToList();
            Assert.Contains("started", states);
            Assert.Contains("finished", states);
        }
        catch
        {
            output.WriteLine(rig.Host.Log);
            throw;
        }
    }

    [Fact]
    public async Task Without_the_media_plugin_the_clip_is_kept_at_full_size_with_the_reason()
    {
        await using var rig = await RecordingHost.StartAsync(new JsonObject { ["segmentSeconds"] = 2, ["downscaleAnswerSeconds"] = 3 },
            cameraArgs: "--width 2560 --height 1440 --fps 10 --keyint 10 --bitrate 3000");
        try
        {
            var segments = await Eventually.ValueAsync(rig.ClosedSegmentsAsync, s => s.Count >= 2, "two closed segments", RecordingHost.Patience);
            var id = await rig.CreateClipAsync(new { cameraId = rig.CameraId, from = segments[0].Start.ToString("O"), to = segments[1].End.ToString("O"), downscale = true });
            var done = await rig.FinishedClipAsync(id);
            output.WriteLine($"clip {done}");
            Assert.Equal("done", done.GetProperty("state").GetString());
            Assert.StartsWith("kept at full size: no-answer", done.GetProperty("error").GetString(), StringComparison.Ordinal);
            var (size, probe) = await ProbeAsync(rig, id);
            Assert.Equal("h264,2560,1440", size);
            Assert.Equal((done.GetProperty("frames").GetInt32(), ""), (probe.Frames, probe.DecodeErrors));
        }
        catch
        {
            output.WriteLine(rig.Host.Log);
            throw;
        }
    }

    [Fact]
    public async Task A_rule_clip_asked_with_downscale_and_an_exported_clip_under_exportDownscale_come_back_1920x1080()
    {
        var media = (BundledPlugins.Media, "appliance.media", new JsonObject { ["motion"] = new JsonObject { ["enabled"] = false } });
        // An export destination nobody answers (the upload keeps trying; this test looks at the clip before it).
        var recording = new JsonObject
        {
            ["segmentSeconds"] = 2,
            ["exportHost"] = "127.0.0.1",
            ["exportPort"] = FreePort.Tcp(),
            ["exportBucket"] = "incidents",
            ["exportAccessKey"] = "key",
            ["exportSecretKey"] = "secret",
            ["exportDownscale"] = true,
        };
        await using var rig = await RecordingHost.StartAsync(recording, cameraArgs: "--width 2560 --height 1440 --fps 10 --keyint 10 --bitrate 3000", others: [media]);
        try
        {
            using (var refused = await PostRuleAsync(rig, """[ { "type": "clip", "preSeconds": 4, "postSeconds": 1, "downscale": "yes" } ]"""))
            {
                var problem = await refused.Content.ReadAsStringAsync();
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
                Assert.Contains("actions[0].downscale", problem, StringComparison.Ordinal);
            }
            using (var rule = await PostRuleAsync(rig, """[ { "type": "clip", "preSeconds": 4, "postSeconds": 1, "downscale": true } ]"""))
                Assert.True(rule.IsSuccessStatusCode, await rule.Content.ReadAsStringAsync());
            var segments = await Eventually.ValueAsync(rig.ClosedSegmentsAsync, s => s.Count >= 3, "three closed segments", RecordingHost.Patience);

            // Exported without asking for downscale: exportDownscale makes it 2MP. Not exported, not asked: full size.
            var exported = await rig.CreateClipAsync(new { cameraId = rig.CameraId, from = segments[0].Start.ToString("O"), to = segments[1].End.ToString("O"), export = true });
            var kept = await rig.CreateClipAsync(new { cameraId = rig.CameraId, from = segments[0].Start.ToString("O"), to = segments[1].End.ToString("O") });
            using (var motion = await rig.Client.PostAsJsonAsync("/api/v1/events", new { type = "MotionDetected", category = "analytics", data = new { cameraId = rig.CameraId, source = "test", active = true } }))
                Assert.Equal(HttpStatusCode.Accepted, motion.StatusCode);
            var delivered = await Eventually.ValueAsync(
                async () => (await rig.Client.GetFromJsonAsync<JsonElement>("/api/v1/events?type=RuleActionDelivered&limit=10")).EnumerateArray().ToList(),
                e => e.Count == 1, "the clip action delivered", RecordingHost.Patience);
            var target = delivered[0].GetProperty("data").GetProperty("target").GetString()!;
            var fromRule = target[(target.IndexOf('/', StringComparison.Ordinal) + 1)..];

            foreach (var (id, expected) in new[] { (exported, "h264,1920,1080"), (kept, "h264,2560,1440"), (fromRule, "h264,1920,1080") })
            {
                var done = await rig.FinishedClipAsync(id);
                output.WriteLine($"clip {done}");
                Assert.Equal("done", done.GetProperty("state").GetString());
                Assert.Equal(JsonValueKind.Null, done.GetProperty("error").ValueKind);
                var (size, probe) = await ProbeAsync(rig, id);
                Assert.Equal(expected, size);
                Assert.Equal((done.GetProperty("frames").GetInt32(), true, ""), (probe.Frames, probe.FirstIsKeyframe, probe.DecodeErrors));
            }
        }
        catch
        {
            output.WriteLine(rig.Host.Log);
            throw;
        }
    }

    private static Task<HttpResponseMessage> PostRuleAsync(RecordingHost rig, string actions) =>
        rig.Client.PostAsync("/api/v1/rules", new StringContent($$"""
            { "id": "motion-clip", "name": "2MP clip on motion", "trigger": { "events": ["MotionDetected"] }, "actions": {{actions}} }
            """, Encoding.UTF8, "application/json"));

    /// <summary>The clip's first video stream as <c>codec,width,height</c> and its ffprobe/ffmpeg check.</summary>
    private static async Task<(string Size, TsProbe.Report Probe)> ProbeAsync(RecordingHost rig, string id)
    {
        using var file = await rig.GetAsync($"clips/{id}/file");
        var path = Path.Combine(Path.GetTempPath(), $"downscale-{id}.ts");
        await File.WriteAllBytesAsync(path, await file.Content.ReadAsByteArrayAsync());
        var size = TsProbe.Run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", path]).Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0]; // MPEG-TS: also listed under its program
        var probe = TsProbe.Probe(path);
        File.Delete(path);
        return (size, probe);
    }
}
