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
/// Issue 20's done-when, export half: the GStreamer camera recorded by the real host, a clip around a motion event
/// cut and exported to the local S3 server (npm s3rver over HTTPS with a CA the test makes, through the real
/// AWSSDK.S3 client) across a link cut: the server is down when the clip is ready, the upload waits in the disk
/// queue with the reason, and completes once the server is back; the object is the clip, byte for byte, and plays in
/// ffprobe. The bytes sent are the appliance's data use under "clips".
/// </summary>
public sealed class ClipExportTests(ITestOutputHelper output)
{
    private const string Bucket = "site-clips";

    [Fact]
    public async Task A_clip_around_a_motion_event_is_exported_to_s3_across_a_cut_link_and_plays()
    {
        var root = Directory.CreateTempSubdirectory("appl-clip-export-").FullName;
        using var pki = TestPki.Create(Path.Combine(root, "pki"));
        var (certificate, key) = pki.Server("s3");
        var port = FreePort.Tcp();
        var s3Data = Path.Combine(root, "s3");
        var s3 = await S3rverPeer.StartAsync(s3Data, port, Path.Combine(root, "s3rver.log"), [Bucket], (certificate, key));
        await using var rig = await RecordingHost.StartAsync(new JsonObject
        {
            ["segmentSeconds"] = 2,
            ["retentionHours"] = 1,
            ["exportHost"] = "127.0.0.1",
            ["exportPort"] = port,
            ["exportBucket"] = Bucket,
            ["exportAccessKey"] = S3rverPeer.AccessKey,
            ["exportSecretKey"] = S3rverPeer.SecretKey,
            ["exportCaPem"] = await File.ReadAllTextAsync(pki.CaPath),
            ["exportPrefix"] = "incidents/",
        });
        try
        {
            var segments = await Eventually.ValueAsync(rig.ClosedSegmentsAsync, s => s.Count >= 3, "three closed segments", RecordingHost.Patience);
            using (var motion = await rig.Client.PostAsJsonAsync("/api/v1/events", new { type = "MotionDetected", category = "analytics", data = new { cameraId = rig.CameraId, source = "yard", active = true } }))
                Assert.Equal(HttpStatusCode.Accepted, motion.StatusCode);
            var marker = (await Eventually.ValueAsync(rig.TimelineAsync, t => t.GetProperty("events").GetArrayLength() == 1, "the motion marker", RecordingHost.Patience))
                .GetProperty("events")[0].GetProperty("at").GetDateTimeOffset();

            // The link to the object store is cut before the clip is ready.
            s3.Kill();
            var from = segments[0].Start.AddSeconds(0.5);
            var to = marker.AddSeconds(-0.2) > from.AddSeconds(2) ? marker.AddSeconds(-0.2) : segments[^1].End;
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
