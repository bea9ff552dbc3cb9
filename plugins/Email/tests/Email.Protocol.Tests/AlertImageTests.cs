using System.Diagnostics;
using Appliance.Abstractions.Events;
using Appliance.Abstractions.Services;
using Appliance.Testing.Plugins;
using MimeKit;

namespace Appliance.Plugins.Email.Tests;

/// <summary>
/// The e-mail plugin (through the plugin context double) against aiosmtpd: the rule's alert image (<c>snapshotPath</c>,
/// an ffmpeg-made JPEG) is attached and counted as data use <c>thumbnails</c>; an image deleted between the rule and
/// the delivery, or one that is not a JPEG, leaves the message going out without it, its text saying why.
/// </summary>
public sealed class AlertImageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("appl-email-thumbs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_image_is_attached_and_counted_and_a_gone_or_bad_one_is_explained()
    {
        await using var peer = await SmtpPeer.StartAsync("plain");
        var jpegPath = Path.Combine(_folder, "event-motion-lobby-20261204T050000000.jpg");
        using (var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg",
            ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=1", "-frames:v", "1", "-y", jpegPath]))!)
            await ffmpeg.WaitForExitAsync();
        var jpeg = await File.ReadAllBytesAsync(jpegPath);
        var gone = Path.Combine(_folder, "event-gone-lobby.jpg");
        await File.WriteAllBytesAsync(gone, jpeg);
        var text = Path.Combine(_folder, "event-text-lobby.jpg");
        await File.WriteAllTextAsync(text, "not a picture");

        await using var context = new PluginContextDouble($$"""
            { "host": "127.0.0.1", "port": {{peer.Port}}, "security": "none", "from": "appliance@site.example", "username": "",
              "timeoutSeconds": 30, "maxPerRulePerHour": 20, "maxAgeMinutes": 60 }
            """, TimeProvider.System, "appliance.email");
        var plugin = new EmailPlugin();
        await plugin.StartAsync(context, default);
        File.Delete(gone);
        foreach (var (path, subject) in new[] { (jpegPath, "with image"), (gone, "image gone"), (text, "not an image") })
            await context.Outbox.AppendAsync(context.Outbox.Envelope(Action(path, subject), DateTimeOffset.UtcNow));

        var mails = (await peer.WaitForAsync(3)).Select(m => MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Eml)))).ToList();
        Assert.Equal(3, mails.Count);
        var with = mails.Single(m => m.Subject == "with image");
        var attachment = (MimePart)with.Attachments.Single();
        Assert.Equal("event-motion-lobby-20261204T050000000.jpg", attachment.FileName);
        using (var content = new MemoryStream())
        {
            await attachment.Content!.DecodeToAsync(content);
            Assert.Equal(jpeg, content.ToArray());
        }
        Assert.Contains("Snapshot: attached (event-motion-lobby-20261204T050000000.jpg, 320x240)", with.TextBody);

        var goneMail = mails.Single(m => m.Subject == "image gone");
        Assert.Empty(goneMail.Attachments);
        Assert.Contains("Snapshot: not attached: the snapshot event-gone-lobby is gone", goneMail.TextBody);
        var textMail = mails.Single(m => m.Subject == "not an image");
        Assert.Empty(textMail.Attachments);
        Assert.Contains("Snapshot: not attached: the snapshot event-text-lobby is not a JPEG", textMail.TextBody);

        // Only the image that went out is counted.
        Assert.Equal(jpeg.Length, context.DataUseReports.Bytes[DataUseCategories.Thumbnails]);
        Assert.Equal(3, context.Outbox.Published.Count(e => e is RuleActionDelivered));
        await plugin.StopAsync(default);
    }

    private static RuleActionRequested Action(string snapshotPath, string subject) => new(
        "lobby-motion", "Motion in the lobby", 0, "email", "",
        new Dictionary<string, string> { ["subject"] = subject, ["snapshotPath"] = snapshotPath }, ["guard@site.example"],
        Guid.NewGuid(), "MotionDetected", DateTimeOffset.UtcNow, "lobby", null, "door");
}
