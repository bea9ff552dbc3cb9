using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Plugins.Recording.Tests.Shared;
using Appliance.Testing;
using Xunit.Abstractions;

namespace Appliance.Plugins.Recording.Plugin.Tests;

/// <summary>
/// Issue 20 items 1 and 2 end to end: the GStreamer camera through the real host's RTSP ingest into the recording
/// plugin; ffprobe checks every segment and the clip; the host is SIGKILLed while a segment is being written and a
/// closed segment is truncated on disk, then the restarted host's index names only whole, playable files.
/// </summary>
public sealed class ContinuousRecordingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Segments_and_a_clip_play_cleanly_bad_clip_ranges_are_refused_and_a_SIGKILL_loses_nothing_but_the_cut_frame()
    {
        await using var rig = await RecordingHost.StartAsync(new JsonObject { ["segmentSeconds"] = 2, ["retentionHours"] = 1 });
        try
        {
            var segments = await Eventually.ValueAsync(rig.ClosedSegmentsAsync, s => s.Count >= 4, "four closed segments", RecordingHost.Patience);
            foreach (var s in segments)
            {
                var probe = TsProbe.Probe(Path.Combine(rig.SegmentFolder, s.File));
                output.WriteLine($"{s.File} {s.Bytes} bytes {s.Start:HH:mm:ss.fff}-{s.End:HH:mm:ss.fff}: {probe}");
                Assert.Equal("h264", probe.Codec);
                Assert.True(probe.FirstIsKeyframe, s.File);
                Assert.Equal("", probe.DecodeErrors);
                Assert.InRange(probe.Seconds, 1.5, 3.5);
                Assert.Equal(s.Bytes, new FileInfo(Path.Combine(rig.SegmentFolder, s.File)).Length);
            }

            // An event of the camera is a marker on its timeline.
            using (var motion = await rig.Client.PostAsJsonAsync("/api/v1/events", new
            {
                type = "MotionDetected",
                category = "analytics",
                data = new { cameraId = rig.CameraId, source = "test", active = true },
            }))
                Assert.Equal(HttpStatusCode.Accepted, motion.StatusCode);
            var timeline = await Eventually.ValueAsync(rig.TimelineAsync, t => t.GetProperty("events").GetArrayLength() == 1, "the motion marker", RecordingHost.Patience);
            Assert.Equal("MotionDetected", timeline.GetProperty("events")[0].GetProperty("type").GetString());

            await ClipAsync(rig, segments);
            await BadClipRequestsAsync(rig, segments);
            await KillAndRecoverAsync(rig);
        }
        catch
        {
            output.WriteLine(rig.Host.Log);
            throw;
        }
    }

    private async Task ClipAsync(RecordingHost rig, List<(string File, DateTimeOffset Start, DateTimeOffset End, long Bytes)> segments)
    {
        var from = segments[0].Start.AddSeconds(1.5);
        var to = segments[^1].End.AddSeconds(-0.5);
        using var created = await rig.PostClipAsync(new { cameraId = rig.CameraId, from = from.ToString("O"), to = to.ToString("O") });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.StatusCode == HttpStatusCode.Accepted, body.ToString());
        var id = body.GetProperty("id").GetString()!;
        Assert.EndsWith($"/clips/{id}", created.Headers.Location!.ToString(), StringComparison.Ordinal);
        var done = await Eventually.ValueAsync(() => rig.ClipAsync(id), c => c.GetProperty("state").GetString() is "done" or "failed", "the clip job to finish", RecordingHost.Patience);
        output.WriteLine($"clip: {done}");
        Assert.Equal("done", done.GetProperty("state").GetString());
        Assert.Equal(1.0, done.GetProperty("progress").GetDouble());

        using var whole = await rig.GetAsync($"clips/{id}/file");
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
        Assert.Equal("video/mp2t", whole.Content.Headers.ContentType!.MediaType);
        var bytes = await whole.Content.ReadAsByteArrayAsync();
        Assert.Equal(done.GetProperty("bytes").GetInt64(), bytes.Length);
        using var part = await rig.GetAsync($"clips/{id}/file", "bytes=188-375");
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal($"bytes 188-375/{bytes.Length}", part.Content.Headers.ContentRange!.ToString());
        Assert.Equal(bytes.AsSpan(188, 188).ToArray(), await part.Content.ReadAsByteArrayAsync());
        using var beyond = await rig.GetAsync($"clips/{id}/file", $"bytes={bytes.Length}-");
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, beyond.StatusCode);

        var path = Path.Combine(Path.GetTempPath(), $"recording-clip-{id}.ts");
        await File.WriteAllBytesAsync(path, bytes);
        var probe = TsProbe.Probe(path);
        output.WriteLine($"clip {from:HH:mm:ss.fff}-{to:HH:mm:ss.fff} ({(to - from).TotalSeconds:0.00} s): {probe}");
        Assert.True(probe.FirstIsKeyframe);
        Assert.Equal("", probe.DecodeErrors);
        // Starts at the keyframe at or before `from` (one per second here), ends at the last frame before `to`.
        Assert.InRange(probe.Seconds, (to - from).TotalSeconds - 0.3, (to - from).TotalSeconds + 1.3);
        var metadata = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(rig.DataDirectory, "clips", $"{id}.json"))).RootElement;
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), metadata.GetProperty("sha256").GetString());

        // The MP4 rewrap for browsers: same frames, Range served; an unknown clip is 404.
        Assert.EndsWith($"/clips/{id}/mp4", done.GetProperty("play").GetString(), StringComparison.Ordinal);
        using var mp4 = await rig.GetAsync($"clips/{id}/mp4");
        Assert.Equal(HttpStatusCode.OK, mp4.StatusCode);
        Assert.Equal("video/mp4", mp4.Content.Headers.ContentType!.MediaType);
        var mp4Bytes = await mp4.Content.ReadAsByteArrayAsync();
        using var mp4Part = await rig.GetAsync($"clips/{id}/mp4", "bytes=0-7");
        Assert.Equal(HttpStatusCode.PartialContent, mp4Part.StatusCode);
        Assert.Equal("ftyp", System.Text.Encoding.ASCII.GetString(await mp4Part.Content.ReadAsByteArrayAsync(), 4, 4));
        var mp4Path = Path.ChangeExtension(path, ".mp4");
        await File.WriteAllBytesAsync(mp4Path, mp4Bytes);
        var mp4Probe = TsProbe.Probe(mp4Path);
        output.WriteLine($"mp4: {mp4Probe}");
        Assert.Equal(("h264", probe.Frames, true, ""), (mp4Probe.Codec, mp4Probe.Frames, mp4Probe.FirstIsKeyframe, mp4Probe.DecodeErrors));
        using var unknown = await rig.GetAsync("clips/no-such-clip/mp4");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        File.Delete(mp4Path);
        File.Delete(path);
    }

    private async Task BadClipRequestsAsync(RecordingHost rig, List<(string File, DateTimeOffset Start, DateTimeOffset End, long Bytes)> segments)
    {
        var now = DateTimeOffset.UtcNow;
        var cases = new (string What, object Body, string Code)[]
        {
            ("reversed", new { cameraId = rig.CameraId, from = segments[1].End.ToString("O"), to = segments[0].Start.ToString("O") }, "reversed"),
            ("future", new { cameraId = rig.CameraId, from = now.AddMinutes(1).ToString("O"), to = now.AddMinutes(2).ToString("O") }, "future"),
            ("longer than the retention", new { cameraId = rig.CameraId, from = now.AddHours(-3).ToString("O"), to = now.AddSeconds(-1).ToString("O") }, "too-long"),
            ("unknown camera", new { cameraId = "no-such-camera", from = segments[0].Start.ToString("O"), to = segments[0].End.ToString("O") }, "unknown-camera"),
            ("nothing recorded", new { cameraId = rig.CameraId, from = now.AddMinutes(-50).ToString("O"), to = now.AddMinutes(-49).ToString("O") }, "not-recorded"),
            ("not a time", new { cameraId = rig.CameraId, from = "yesterday", to = now.ToString("O") }, "malformed"),
            ("no camera", new { from = segments[0].Start.ToString("O"), to = segments[0].End.ToString("O") }, "malformed"),
        };
        foreach (var (what, body, code) in cases)
        {
            using var response = await rig.PostClipAsync(body);
            var error = await response.Content.ReadFromJsonAsync<JsonElement>();
            output.WriteLine($"{what}: {(int)response.StatusCode} {error}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(code, error.GetProperty("error").GetString());
            Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        }
        using (var notJson = await rig.Client.PostAsync("/plugins/appliance.recording/clips", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        using (var missing = await rig.GetAsync("clips/0000000000000000"))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using (var unknown = await rig.GetAsync("cameras/no-such-camera/timeline"))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private async Task KillAndRecoverAsync(RecordingHost rig)
    {
        // Kill while a segment is being written (the timeline shows one open).
        await Eventually.UntilAsync(async () => (await rig.TimelineAsync()).GetProperty("segments").EnumerateArray().Any(s => s.GetProperty("open").GetBoolean()),
            "an open segment", RecordingHost.Patience);
        var before = await rig.ClosedSegmentsAsync();
        rig.Host.Kill();
        var onDisk = Directory.GetFiles(rig.SegmentFolder, "*.ts").Select(Path.GetFileName).ToHashSet();
        var open = onDisk.Except(before.Select(s => s.File)).ToList();
        output.WriteLine($"killed with {before.Count} closed segments and open {string.Join(", ", open)}");

        // Bad input on disk: a closed segment cut in the middle of a packet.
        var victim = before[^2];
        var victimPath = Path.Combine(rig.SegmentFolder, victim.File);
        using (var file = new FileStream(victimPath, FileMode.Open)) file.SetLength(victim.Bytes / 2 + 77);

        await rig.Host.StartAgainAsync();
        var recovery = await Eventually.ValueAsync(() => rig.HealthAsync("recovery"), h => h is not null, "the recovery report", RecordingHost.Patience);
        output.WriteLine($"recovery: {recovery}");
        Assert.Contains("recovered", recovery, StringComparison.Ordinal);

        var after = await rig.ClosedSegmentsAsync();
        var byFile = after.ToDictionary(s => s.File);
        // Every closed segment from before is still there (the truncated one shorter), the open one recovered or dropped.
        foreach (var s in before) Assert.True(byFile.ContainsKey(s.File), $"{s.File} lost");
        Assert.True(byFile[victim.File].Bytes < victim.Bytes / 2 + 77 && byFile[victim.File].Bytes > 0, $"truncated segment now {byFile[victim.File].Bytes} bytes");
        Assert.True(byFile[victim.File].Bytes % 188 == 0);
        foreach (var s in after)
        {
            var path = Path.Combine(rig.SegmentFolder, s.File);
            Assert.True(File.Exists(path), $"the index names {s.File}, which is missing");
            Assert.Equal(s.Bytes, new FileInfo(path).Length);
            var probe = TsProbe.Probe(path);
            output.WriteLine($"after restart {s.File} {s.Bytes} bytes: {probe}");
            Assert.True(probe.FirstIsKeyframe, s.File);
            Assert.Equal("", probe.DecodeErrors);
        }
        foreach (var o in open)
            Assert.True(byFile.ContainsKey(o!) || !File.Exists(Path.Combine(rig.SegmentFolder, o!)), $"{o}: on disk but not in the index");

        // And recording goes on after the restart.
        await Eventually.UntilAsync(async () => (await rig.ClosedSegmentsAsync()).Count > after.Count, "a new segment after the restart", RecordingHost.Patience);
    }
}
