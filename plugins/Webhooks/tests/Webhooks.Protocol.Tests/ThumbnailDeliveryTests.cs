using System.Diagnostics;
using System.Text.Json;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Services;
using Appliance.Plugins.Webhooks.Protocol;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Webhooks.Tests;

/// <summary>
/// Alert thumbnails in webhooks (issue 20 item 4): the plugin, given a rule action whose event has a kept JPEG
/// (<c>snapshotPath</c>), delivers it base64 under <c>data.thumbnail</c> to the npm standardwebhooks receiver, which
/// verifies the signature; the image decodes (ffprobe) and is counted as data use. An image gone, too large, truncated
/// or not a JPEG: the message still goes, saying why.
/// </summary>
public sealed class ThumbnailDeliveryTests : IDisposable
{
    private static readonly string Secret = WebhookSecret.Generate();
    private readonly string _folder = Directory.CreateTempSubdirectory("appl-webhook-thumbs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_events_jpeg_arrives_at_the_receiver_decodes_and_is_counted_as_data_use()
    {
        await using var receiver = await NodeReceiver.StartAsync(Secret, "verify");
        var jpegPath = await JpegAsync("event-motion-lobby-20261204T050000000", 320, 240);
        var jpeg = await File.ReadAllBytesAsync(jpegPath);
        await using var context = Context(receiver);
        var plugin = new WebhooksPlugin();
        await plugin.StartAsync(context, default);

        var action = Action(jpegPath);
        await context.Outbox.AppendAsync(context.Outbox.Envelope(action, DateTimeOffset.UtcNow));

        var line = (await receiver.WaitForLinesAsync(1)).Single();
        Assert.True(line.GetProperty("verified").GetBoolean(), line.ToString());
        var data = line.GetProperty("payload").GetProperty("data");
        Assert.False(data.GetProperty("parameters").TryGetProperty("snapshotPath", out _));
        Assert.Equal("Lobby", data.GetProperty("parameters").GetProperty("note").GetString());
        var thumbnail = data.GetProperty("thumbnail");
        Assert.Equal(action.TriggerEventId, thumbnail.GetProperty("eventId").GetGuid());
        Assert.Equal("event-motion-lobby-20261204T050000000", thumbnail.GetProperty("snapshotId").GetString());
        Assert.Equal("image/jpeg", thumbnail.GetProperty("contentType").GetString());
        Assert.Equal(jpeg.Length, thumbnail.GetProperty("bytes").GetInt32());
        Assert.Equal((320, 240), (thumbnail.GetProperty("width").GetInt32(), thumbnail.GetProperty("height").GetInt32()));
        var received = Convert.FromBase64String(thumbnail.GetProperty("data").GetString()!);
        Assert.Equal(jpeg, received);
        Assert.Equal([0xFF, 0xD8], received[..2]);
        Assert.Equal([0xFF, 0xD9], received[^2..]);
        var arrived = Path.Combine(_folder, "arrived.jpg");
        await File.WriteAllBytesAsync(arrived, received);
        Assert.Equal("mjpeg,320,240", await FfprobeAsync(arrived));

        Assert.Equal(jpeg.Length, context.DataUseReports.Bytes[DataUseCategories.Thumbnails]);
        Assert.Contains(context.Outbox.Published, e => e is RuleActionDelivered);
        await plugin.StopAsync(default);
    }

    [Fact]
    public async Task An_image_gone_too_large_truncated_or_not_a_jpeg_leaves_the_message_going_out_saying_why()
    {
        await using var receiver = await NodeReceiver.StartAsync(Secret, "verify");
        var gone = await JpegAsync("event-gone-cam1", 64, 48);
        var truncatedSource = await File.ReadAllBytesAsync(await JpegAsync("event-cut-cam1", 64, 48));
        var truncated = Path.Combine(_folder, "event-cut-cam1.jpg");
        await File.WriteAllBytesAsync(truncated, truncatedSource[..(truncatedSource.Length / 2)]);
        var text = Path.Combine(_folder, "event-text-cam1.jpg");
        await File.WriteAllTextAsync(text, "<html>not a picture</html>");
        var huge = Path.Combine(_folder, "event-huge-cam1.jpg");
        var big = new byte[WebhookPayload.MaxThumbnailBytes + 1];
        (big[0], big[1], big[^2], big[^1]) = (0xFF, 0xD8, 0xFF, 0xD9);
        await File.WriteAllBytesAsync(huge, big);
        await using var context = Context(receiver);
        var plugin = new WebhooksPlugin();
        await plugin.StartAsync(context, default);

        var actions = new[] { Action(gone), Action(huge), Action(truncated), Action(text) };
        File.Delete(gone); // deleted between the rule and the delivery (the media plugin's budget)
        foreach (var action in actions) await context.Outbox.AppendAsync(context.Outbox.Envelope(action, DateTimeOffset.UtcNow));

        var lines = await receiver.WaitForLinesAsync(4);
        Assert.Equal(4, lines.Count);
        Assert.All(lines, l => Assert.True(l.GetProperty("verified").GetBoolean(), l.ToString()));
        var thumbnails = lines.Select(l => l.GetProperty("payload").GetProperty("data").GetProperty("thumbnail")).ToList();
        Assert.Equal(["missing", "too-large", "not-jpeg", "not-jpeg"], thumbnails.Select(t => t.GetProperty("omitted").GetString()));
        Assert.Contains("is gone", thumbnails[0].GetProperty("reason").GetString());
        Assert.Contains($"the limit is {WebhookPayload.MaxThumbnailBytes}", thumbnails[1].GetProperty("reason").GetString());
        Assert.Contains("truncated", thumbnails[2].GetProperty("reason").GetString());
        Assert.Contains("no start-of-image", thumbnails[3].GetProperty("reason").GetString());
        Assert.All(thumbnails, t => Assert.False(t.TryGetProperty("data", out _)));
        Assert.Equal(["event-gone-cam1", "event-huge-cam1", "event-cut-cam1", "event-text-cam1"], thumbnails.Select(t => t.GetProperty("snapshotId").GetString()));
        // Nothing was sent as an image, so nothing is counted.
        Assert.False(context.DataUseReports.Bytes.ContainsKey(DataUseCategories.Thumbnails));
        Assert.Equal(4, context.Outbox.Published.Count(e => e is RuleActionDelivered));
        await plugin.StopAsync(default);
    }

    [Fact]
    public void A_rule_without_an_image_sends_a_null_thumbnail()
    {
        var body = WebhookPayload.Build(new RuleActionRequested("r", "R", 0, "webhook", "site", new Dictionary<string, string>(), [],
            Guid.NewGuid(), "DigitalInputChanged", DateTimeOffset.UtcNow, null, "io1/in1", null));
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("thumbnail").ValueKind);
    }

    private static RuleActionRequested Action(string snapshotPath) => new(
        "lobby-motion", "Motion in the lobby", 0, "webhook", "site",
        new Dictionary<string, string> { ["note"] = "Lobby", ["snapshotPath"] = snapshotPath }, [],
        Guid.NewGuid(), "MotionDetected", DateTimeOffset.UtcNow, "lobby", null, "door");

    private static PluginContextDouble Context(NodeReceiver receiver) => new($$"""
        { "targets": [ { "name": "site", "url": "{{receiver.Url}}", "secret": "{{Secret}}", "timeoutSeconds": 20,
                         "certificateSha256": "{{receiver.CertificateSha256}}" } ],
          "maxAgeMinutes": 60, "quickAttempts": 2 }
        """, TimeProvider.System, "appliance.webhooks");

    private async Task<string> JpegAsync(string id, int width, int height)
    {
        var path = Path.Combine(_folder, id + ".jpg");
        var (code, _, errors) = await RunAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", $"testsrc=size={width}x{height}:rate=1", "-frames:v", "1", "-y", path]);
        Assert.True(code == 0, errors);
        return path;
    }

    private static async Task<string> FfprobeAsync(string path)
    {
        var (code, output, errors) = await RunAsync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", path]);
        Assert.True(code == 0, errors);
        Assert.Equal("", errors.Trim()); // no decode errors
        return output.Trim();
    }

    private static async Task<(int Code, string Output, string Errors)> RunAsync(string program, string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await errors);
    }
}
