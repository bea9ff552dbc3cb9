using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Plugins.Recording.Tests.Shared;
using Appliance.Testing;
using Xunit.Abstractions;

namespace Appliance.Plugins.Recording.Plugin.Tests;

/// <summary>
/// Issue 20's done-when, in the real host: the GStreamer camera recorded within its disk budget (every sample of the
/// timeline holds it), a 2-minute clip around a motion event (60 s before to 60 s after) cut and exported to the
/// local S3 server (npm s3rver over HTTPS with a CA the test makes, through the real AWSSDK.S3 client) across a link
/// cut: the server is down when the clip is ready, the upload waits in the disk queue with the reason, and completes
/// once the server is back; the object is the clip, byte for byte, and plays in ffprobe for two minutes. The portal
/// shows the camera's timeline with the event and plays the clip in Chromium. The bytes sent are the appliance's data
/// use under "clips". Takes about two and a half minutes: the recording must be that long.
/// </summary>
public sealed class ClipExportTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private const string Bucket = "site-clips";
    private const long BudgetBytes = 6L * 1024 * 1024;
    private static readonly TimeSpan Around = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_two_minute_clip_around_a_motion_event_is_exported_to_s3_across_a_cut_link_and_plays_in_ffprobe_and_chromium()
    {
        var root = Directory.CreateTempSubdirectory("appl-clip-export-").FullName;
        using var pki = TestPki.Create(Path.Combine(root, "pki"));
        var (certificate, key) = pki.Server("s3");
        var port = FreePort.Tcp();
        var s3Data = Path.Combine(root, "s3");
        var s3 = await S3rverPeer.StartAsync(s3Data, port, Path.Combine(root, "s3rver.log"), [Bucket], (certificate, key));
        await using var rig = await RecordingHost.StartAsync(new JsonObject
        {
            ["segmentSeconds"] = 5,
            ["retentionHours"] = 1,
            ["cameraBudgetMegabytes"] = BudgetBytes / (1024 * 1024),
            ["exportHost"] = "127.0.0.1",
            ["exportPort"] = port,
            ["exportBucket"] = Bucket,
            ["exportAccessKey"] = S3rverPeer.AccessKey,
            ["exportSecretKey"] = S3rverPeer.SecretKey,
            ["exportCaPem"] = await File.ReadAllTextAsync(pki.CaPath),
            ["exportPrefix"] = "incidents/",
        }, cameraArgs: "--width 320 --height 180 --fps 10 --keyint 10 --bitrate 150");
        try
        {
            // A minute recorded before the event and a minute after it, the camera's budget holding all along.
            var spans = new List<long>();
            await Eventually.ValueAsync(() => WithinBudgetAsync(rig, spans), s => s.Count > 0 && s[^1].End - s[0].Start >= Around + TimeSpan.FromSeconds(3),
                "a minute recorded", TimeSpan.FromMinutes(3));
            using (var motion = await rig.Client.PostAsJsonAsync("/api/v1/events", new { type = "MotionDetected", category = "analytics", data = new { cameraId = rig.CameraId, source = "yard", active = true } }))
                Assert.Equal(HttpStatusCode.Accepted, motion.StatusCode);
            var marker = (await Eventually.ValueAsync(rig.TimelineAsync, t => t.GetProperty("events").GetArrayLength() == 1, "the motion marker", RecordingHost.Patience))
                .GetProperty("events")[0].GetProperty("at").GetDateTimeOffset();
            await Eventually.ValueAsync(() => WithinBudgetAsync(rig, spans), s => s[^1].End >= marker + Around + TimeSpan.FromSeconds(1),
                "a minute recorded after the event", TimeSpan.FromMinutes(3));
            output.WriteLine($"recorded bytes sampled: max {spans.Max()} of the budget {BudgetBytes}");

            // The link to the object store is cut before the clip is ready.
            s3.Kill();
            var from = marker - Around;
            var to = marker + Around;
            using var created = await rig.PostClipAsync(new { cameraId = rig.CameraId, from = from.ToString("O"), to = to.ToString("O"), export = true });
            var body = await created.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(created.StatusCode == HttpStatusCode.Accepted, body.ToString());
            var id = body.GetProperty("id").GetString()!;
            var waiting = await Eventually.ValueAsync(() => rig.ClipAsync(id), c => c.GetProperty("export") is { ValueKind: JsonValueKind.Object } e && e.GetProperty("attempts").GetInt32() >= 1,
                "an export attempt against the cut link", RecordingHost.Patience);
            output.WriteLine($"while cut: {waiting}");
            Assert.Equal("done", waiting.GetProperty("state").GetString());
            Assert.NotEqual("done", waiting.GetProperty("export").GetProperty("state").GetString());
            Assert.Contains("transport", waiting.GetProperty("export").GetProperty("error").GetString());

            // Back on the same port and folder: the queued upload completes.
            s3.Dispose();
            s3 = await S3rverPeer.StartAsync(s3Data, port, Path.Combine(root, "s3rver-2.log"), [Bucket], (certificate, key));
            var exported = await Eventually.ValueAsync(() => rig.ClipAsync(id), c => c.GetProperty("export").GetProperty("state").GetString() is "done" or "failed",
                "the export to finish", RecordingHost.Patience);
            output.WriteLine($"exported: {exported}");
            Assert.Equal("done", exported.GetProperty("export").GetProperty("state").GetString());
            var objectKey = exported.GetProperty("export").GetProperty("key").GetString()!;
            Assert.Equal($"incidents/{rig.CameraId}/{id}.ts", objectKey);

            var clip = await (await rig.GetAsync($"clips/{id}/file")).Content.ReadAsByteArrayAsync();
            var stored = await DownloadAsync(port, objectKey, certificate);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(clip)), Convert.ToHexStringLower(SHA256.HashData(stored)));
            var copy = Path.Combine(root, "exported.ts");
            await File.WriteAllBytesAsync(copy, stored);
            var probe = TsProbe.Probe(copy);
            output.WriteLine($"exported object: {probe}");
            Assert.Equal("h264", probe.Codec);
            Assert.True(probe.FirstIsKeyframe);
            Assert.Equal("", probe.DecodeErrors);
            Assert.InRange(probe.Seconds, 119.0, 121.5); // from the keyframe at or before (one a second) to the last frame before `to`

            // The portal: the camera's timeline with the event, and the clip played in Chromium.
            var errors = new List<string>();
            var page = await RecordingPortal.OpenAsync(browser, rig, errors);
            var camera = page.Locator($"[data-camera=\"{rig.CameraId}\"]");
            await Microsoft.Playwright.Assertions.Expect(camera.Locator(".recording-event")).ToHaveCountAsync(1);
            Assert.True(await camera.Locator(".recording-segment").CountAsync() >= 20);
            var played = await RecordingPortal.PlayAsync(page, id, seconds: 2);
            output.WriteLine($"played in Chromium: {played}");
            Assert.Equal((320, 180), (played.GetProperty("width").GetInt32(), played.GetProperty("height").GetInt32()));
            Assert.InRange(played.GetProperty("duration").GetDouble(), 119.0, 121.5);
            await BrowserFixture.ScreenshotAsync(page, "recording", "two-minute-clip");
            Assert.Empty(errors);
            await page.Context.CloseAsync();

            var month = DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
            var use = await Eventually.ValueAsync(() => rig.Client.GetFromJsonAsync<JsonElement>($"/api/v1/datause?month={month}"),
                u => u.ToString().Contains("\"clips\"", StringComparison.Ordinal), "clip bytes in the data use", TimeSpan.FromSeconds(30));
            output.WriteLine($"data use: {use}");
        }
        catch
        {
            output.WriteLine(rig.Host.Log);
            output.WriteLine(s3.Log());
            throw;
        }
        finally
        {
            s3.Dispose();
        }
    }

    /// <summary>The closed segments, after checking that all the camera's recorded bytes (open segment too) are within the budget.</summary>
    private static async Task<List<(string File, DateTimeOffset Start, DateTimeOffset End, long Bytes)>> WithinBudgetAsync(RecordingHost rig, List<long> samples)
    {
        var timeline = await rig.TimelineAsync();
        var bytes = timeline.GetProperty("segments").EnumerateArray().Sum(s => s.GetProperty("bytes").GetInt64());
        samples.Add(bytes);
        Assert.True(bytes <= BudgetBytes, $"{bytes} bytes recorded, over the budget of {BudgetBytes}");
        return await rig.ClosedSegmentsAsync();
    }

    private static async Task<byte[]> DownloadAsync(int port, string key, string certificatePath)
    {
        using var trusted = X509CertificateLoader.LoadCertificateFromFile(certificatePath);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == trusted.Thumbprint };
        using var http = new HttpClient(handler);
        using var response = await http.GetAsync(new Uri($"https://127.0.0.1:{port}/{Bucket}/{key}"));
        Assert.True(response.IsSuccessStatusCode, $"GET {key}: {(int)response.StatusCode}");
        return await response.Content.ReadAsByteArrayAsync();
    }
}
