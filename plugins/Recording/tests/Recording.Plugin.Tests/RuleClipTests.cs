using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Plugins.Recording.Tests.Shared;
using Appliance.Testing;
using Xunit.Abstractions;

namespace Appliance.Plugins.Recording.Plugin.Tests;

/// <summary>A rule's clip action in the real host: a motion event of the GStreamer camera fires a rule whose action
/// cuts a clip from 4 s before to 3 s after the event once that time has passed; an action naming an unknown camera is
/// reported as expired with the reason.</summary>
public sealed class RuleClipTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_motion_rule_cuts_a_clip_around_the_event_and_an_unknown_camera_expires()
    {
        await using var rig = await RecordingHost.StartAsync(new JsonObject { ["segmentSeconds"] = 2 });
        try
        {
            using (var rule = await rig.Client.PostAsync("/api/v1/rules", new StringContent("""
                { "id": "motion-clip", "name": "Clip on motion",
                  "trigger": { "events": ["MotionDetected"] },
                  "actions": [ { "type": "clip", "preSeconds": 4, "postSeconds": 3 },
                               { "type": "clip", "camera": "nowhere", "preSeconds": 1, "postSeconds": 1 } ] }
                """, Encoding.UTF8, "application/json")))
                Assert.True(rule.IsSuccessStatusCode, await rule.Content.ReadAsStringAsync());
            // Five seconds recorded before the event, so the pre-event part exists.
            await Eventually.ValueAsync(rig.ClosedSegmentsAsync, s => s.Count >= 3, "three closed segments", RecordingHost.Patience);
            using (var motion = await rig.Client.PostAsJsonAsync("/api/v1/events", new { type = "MotionDetected", category = "analytics", data = new { cameraId = rig.CameraId, source = "test", active = true } }))
                Assert.Equal(HttpStatusCode.Accepted, motion.StatusCode);

            var request = await Eventually.ValueAsync(() => EventsAsync(rig, "RuleActionRequested"), e => e.Count(r => r.GetProperty("kind").GetString() == "clip") == 2,
                "the two clip requests", RecordingHost.Patience);
            var at = request.First().GetProperty("triggeredAt").GetDateTimeOffset();
            var delivered = await Eventually.ValueAsync(() => EventsAsync(rig, "RuleActionDelivered"), e => e.Any(d => d.GetProperty("kind").GetString() == "clip"),
                "the clip action delivered", RecordingHost.Patience);
            var target = delivered.Single(d => d.GetProperty("kind").GetString() == "clip").GetProperty("target").GetString()!;
            Assert.StartsWith($"{rig.CameraId}/", target, StringComparison.Ordinal);
            var expired = await Eventually.ValueAsync(() => EventsAsync(rig, "RuleActionExpired"), e => e.Any(d => d.GetProperty("kind").GetString() == "clip"),
                "the unknown camera's action expired", RecordingHost.Patience);
            Assert.Contains("unknown-camera", expired.Single().GetProperty("lastError").GetString(), StringComparison.Ordinal);

            var id = target[(target.IndexOf('/', StringComparison.Ordinal) + 1)..];
            var clip = await Eventually.ValueAsync(() => rig.ClipAsync(id), c => c.GetProperty("state").GetString() is "done" or "failed", "the rule's clip cut", RecordingHost.Patience);
            output.WriteLine($"event at {at:O}; clip {clip}");
            Assert.Equal("done", clip.GetProperty("state").GetString());
            Assert.Equal(at.AddSeconds(-4), clip.GetProperty("from").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
            Assert.Equal(at.AddSeconds(3), clip.GetProperty("to").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
            // Not cut before its end had passed: the clip reaches to about 3 s after the event.
            using var file = await rig.GetAsync($"clips/{id}/file");
            var path = Path.Combine(Path.GetTempPath(), $"rule-clip-{id}.ts");
            await File.WriteAllBytesAsync(path, await file.Content.ReadAsByteArrayAsync());
            var probe = TsProbe.Probe(path);
            File.Delete(path);
            output.WriteLine($"clip: {probe}");
            Assert.True(probe.FirstIsKeyframe);
            Assert.Equal("", probe.DecodeErrors);
            Assert.InRange(probe.Seconds, 6.0, 8.3);
            var all = await rig.Client.GetFromJsonAsync<JsonElement>("/plugins/appliance.recording/clips");
            Assert.Equal(1, all.GetArrayLength());
        }
        catch
        {
            output.WriteLine(rig.Host.Log);
            throw;
        }
    }

    private static async Task<List<JsonElement>> EventsAsync(RecordingHost rig, string type) =>
        (await rig.Client.GetFromJsonAsync<JsonElement>($"/api/v1/events?type={type}&limit=50")).EnumerateArray()
            .Select(e => e.GetProperty("data")).ToList();
}
