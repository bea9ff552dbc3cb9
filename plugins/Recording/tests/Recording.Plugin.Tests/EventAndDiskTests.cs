using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Plugins.Recording.Tests.Shared;
using Appliance.Testing;
using Xunit.Abstractions;

namespace Appliance.Plugins.Recording.Plugin.Tests;

/// <summary>Event-triggered recording from the recorder's own pre-event buffer, a budget smaller than one segment, and a
/// real full disk (a tiny tmpfs mounted on the segment folder), each with the GStreamer camera through the real host.</summary>
public sealed class EventAndDiskTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Event_mode_records_the_pre_event_seconds_from_its_own_buffer_to_the_post_event_seconds_and_nothing_else()
    {
        await using var rig = await RecordingHost.StartAsync(new JsonObject { ["mode"] = "event", ["preEventSeconds"] = 4, ["postEventSeconds"] = 3, ["segmentSeconds"] = 2 });
        try
        {
            // Streaming, but no event yet: nothing is written.
            await Eventually.UntilAsync(async () => (await rig.Client.GetFromJsonAsync<JsonElement>($"/api/v1/cameras/{rig.CameraId}/health")).GetProperty("fps").GetDouble() > 5,
                "the camera streams into the hub", RecordingHost.Patience);
            await Task.Delay(TimeSpan.FromSeconds(6)); // fill the pre-event buffer (and prove nothing is recorded meanwhile)
            Assert.Empty((await rig.TimelineAsync()).GetProperty("segments").EnumerateArray());

            using var motion = await rig.Client.PostAsJsonAsync("/api/v1/events", new
            {
                type = "MotionDetected",
                category = "analytics",
                data = new { cameraId = rig.CameraId, source = "test", active = true },
            });
            Assert.Equal(HttpStatusCode.Accepted, motion.StatusCode);
            var at = (await motion.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("occurredAt").GetDateTimeOffset();

            var timeline = await Eventually.ValueAsync(rig.TimelineAsync,
                t => t.GetProperty("segments").GetArrayLength() > 0 && t.GetProperty("segments").EnumerateArray().All(s => !s.GetProperty("open").GetBoolean())
                    && t.GetProperty("segments").EnumerateArray().Last().GetProperty("end").GetDateTimeOffset() > at.AddSeconds(2),
                "the event window recorded and closed", RecordingHost.Patience);
            var segments = await rig.ClosedSegmentsAsync();
            var first = segments[0].Start;
            var last = segments[^1].End;
            output.WriteLine($"event at {at:HH:mm:ss.fff}; recorded {first:HH:mm:ss.fff}-{last:HH:mm:ss.fff} in {segments.Count} segments");
            // From the keyframe at or before 4 s before the event (one a second) to about 3 s after it.
            Assert.InRange((at - first).TotalSeconds, 3.5, 5.6);
            Assert.InRange((last - at).TotalSeconds, 2.0, 4.5);
            foreach (var s in segments)
            {
                var probe = TsProbe.Probe(Path.Combine(rig.SegmentFolder, s.File));
                output.WriteLine($"{s.File}: {probe}");
                Assert.True(probe.FirstIsKeyframe);
                Assert.Equal("", probe.DecodeErrors);
            }
            Assert.Single(timeline.GetProperty("events").EnumerateArray());

            // The window is over: nothing more is written.
            await Task.Delay(TimeSpan.FromSeconds(4));
            Assert.Equal(segments.Count, (await rig.ClosedSegmentsAsync()).Count);
            Assert.DoesNotContain((await rig.TimelineAsync()).GetProperty("segments").EnumerateArray(), s => s.GetProperty("open").GetBoolean());
        }
        catch
        {
            output.WriteLine(rig.Host.Log);
            throw;
        }
    }

    [Fact]
    public async Task A_budget_smaller_than_one_segment_keeps_nothing_closed_and_says_so()
    {
        await using var rig = await RecordingHost.StartAsync(new JsonObject { ["segmentSeconds"] = 1, ["cameraBudgetMegabytes"] = 0.01 });
        try
        {
            var budget = await Eventually.ValueAsync(() => rig.HealthAsync("budget"), h => h is not null && h.StartsWith("Degraded", StringComparison.Ordinal),
                "the budget report", RecordingHost.Patience);
            output.WriteLine(budget);
            Assert.Contains("holds no closed segment", budget, StringComparison.Ordinal);
            for (var i = 0; i < 5; i++)
            {
                var segments = (await rig.TimelineAsync()).GetProperty("segments").EnumerateArray().ToList();
                // A closed segment is deleted as soon as retention sees it (one may be between its close and retention).
                Assert.True(segments.Count(s => !s.GetProperty("open").GetBoolean()) <= 1, string.Join(", ", segments));
                // Every row names a file that is there; at most the open one and one just closed exist.
                Assert.All(segments, s => Assert.True(File.Exists(Path.Combine(rig.SegmentFolder, s.GetProperty("file").GetString()!))));
                Assert.True(Directory.GetFiles(rig.SegmentFolder).Length <= 2, string.Join(", ", Directory.GetFiles(rig.SegmentFolder)));
                await Task.Delay(700);
            }
            // Recording goes on meanwhile: a segment is open.
            await Eventually.UntilAsync(async () => (await rig.TimelineAsync()).GetProperty("segments").EnumerateArray().Any(s => s.GetProperty("open").GetBoolean()),
                "an open segment", RecordingHost.Patience);
        }
        catch
        {
            output.WriteLine(rig.Host.Log);
            throw;
        }
    }

    [Fact]
    public async Task A_full_disk_ends_the_segment_at_its_last_whole_frame_reports_it_and_the_index_names_only_whole_files()
    {
        // A real full disk: a 400 KiB tmpfs on the segment folder (the SQLite index stays on the data disk).
        var data = Directory.CreateTempSubdirectory("appl-host-").FullName;
        var segments = Path.Combine(data, "plugin-data", RecordingHost.PluginId, "segments");
        var clips = Path.Combine(data, "plugin-data", RecordingHost.PluginId, "clips");
        Directory.CreateDirectory(segments);
        Directory.CreateDirectory(clips);
        Run("mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", segments);
        Run("mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", clips); // smaller than any clip
        try
        {
            await using var rig = await RecordingHost.StartAsync(new JsonObject { ["segmentSeconds"] = 2 }, dataDirectory: data);
            try
            {
                var health = await Eventually.ValueAsync(() => rig.HealthAsync($"camera/{rig.CameraId}"), h => h is not null && h.StartsWith("Unhealthy", StringComparison.Ordinal),
                    "the recorder to report the full disk", RecordingHost.Patience);
                output.WriteLine(health);
                Assert.Contains("No space left", health, StringComparison.Ordinal);
                var closed = await rig.ClosedSegmentsAsync();
                Assert.NotEmpty(closed);
                foreach (var s in closed)
                {
                    var path = Path.Combine(rig.SegmentFolder, s.File);
                    Assert.Equal(s.Bytes, new FileInfo(path).Length);
                    var probe = TsProbe.Probe(path);
                    output.WriteLine($"{s.File} {s.Bytes} bytes: {probe}");
                    Assert.True(probe.FirstIsKeyframe);
                    Assert.Equal("", probe.DecodeErrors);
                }
                // A clip that does not fit on its disk fails with the reason; the plugin keeps running.
                using var created = await rig.PostClipAsync(new { cameraId = rig.CameraId, from = closed[0].Start.ToString("O"), to = closed[^1].End.ToString("O") });
                Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
                var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
                var clip = await Eventually.ValueAsync(() => rig.ClipAsync(id), c => c.GetProperty("state").GetString() is "done" or "failed", "the clip job to end", RecordingHost.Patience);
                output.WriteLine($"clip on a full disk: {clip}");
                Assert.Equal("failed", clip.GetProperty("state").GetString());
                Assert.Contains("No space left", clip.GetProperty("error").GetString(), StringComparison.Ordinal);
                Assert.Empty(Directory.GetFiles(clips));
                var plugin = await rig.Client.GetFromJsonAsync<JsonElement>($"/api/v1/plugins/{RecordingHost.PluginId}");
                Assert.Equal("Running", plugin.GetProperty("state").GetString());

                // The host and its API stay up; the timeline names only files that are there.
                using var plugins = await rig.Client.GetAsync("/api/v1/plugins");
                Assert.Equal(HttpStatusCode.OK, plugins.StatusCode);
                Assert.All((await rig.TimelineAsync()).GetProperty("segments").EnumerateArray(),
                    s => Assert.True(File.Exists(Path.Combine(rig.SegmentFolder, s.GetProperty("file").GetString()!))));
            }
            catch
            {
                output.WriteLine(rig.Host.Log);
                throw;
            }
        }
        finally
        {
            Run("umount", "-l", segments);
            Run("umount", "-l", clips);
        }
    }

    private static void Run(string file, params string[] arguments)
    {
        var (code, stdout, stderr) = TsProbe.Run(file, arguments);
        if (code != 0) throw new InvalidOperationException($"{file} {string.Join(' ', arguments)}: exit {code} {stdout}{stderr} (the full-disk test needs root for a tmpfs)");
    }
}
