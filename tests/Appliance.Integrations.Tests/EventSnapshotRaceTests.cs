using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MimeKit;

namespace Appliance.Integrations.Tests;

/// <summary>
/// Issue 20 item 4: the image the media plugin keeps under an event's id (<c>snapshot.onEvents</c>) reaches a rule's
/// e-mail although the media plugin and the host's rule runner are two outbox subscribers nothing orders. The real
/// host runs with the media and e-mail plugins; the media plugin has no camera here, so the test writes the event's
/// JPEG itself where the media plugin keeps it, 1.5 s late (a slow media plugin), and aiosmtpd receives the mail.
/// </summary>
public sealed class EventSnapshotRaceTests
{
    private const string Rule = """
        { "id": "camera-event", "name": "Camera event",
          "trigger": { "events": ["CameraEventReceived"] },
          "actions": [ { "type": "email", "to": ["guard@site.example"], "subject": "Camera event" } ] }
        """;

    private static readonly TimeSpan Late = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task A_snapshot_the_media_plugin_writes_late_is_attached_and_one_never_written_holds_the_mail_back_only_briefly()
    {
        await using var smtp = await SmtpPeer.StartAsync("starttls");
        var (host, data) = await StartAsync(smtp, waitSeconds: null);
        await using (host)
        {
            var jpeg = await PublishWithLateSnapshotAsync(host, data, "lobby");
            var (eml, _) = (await smtp.WaitForAsync(1)).Single();
            var attachment = Assert.Single(MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(eml))).Attachments.OfType<MimePart>());
            using var bytes = new MemoryStream();
            await attachment.Content!.DecodeToAsync(bytes);
            Assert.Equal(jpeg, bytes.ToArray());

            // An event whose image never comes: the mail still goes (after the bounded wait), without an attachment.
            await PublishAsync(host, "dock");
            var second = (await smtp.WaitForAsync(2))[1];
            Assert.Empty(MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(second.Eml))).Attachments);
        }
    }

    [Fact]
    public async Task Without_the_wait_the_late_snapshot_misses_the_mail_the_race_the_wait_closes()
    {
        await using var smtp = await SmtpPeer.StartAsync("starttls");
        var (host, data) = await StartAsync(smtp, waitSeconds: 0);
        await using (host)
        {
            await PublishWithLateSnapshotAsync(host, data, "lobby");
            var (eml, _) = (await smtp.WaitForAsync(1)).Single();
            Assert.Empty(MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(eml))).Attachments);
        }
    }

    private static async Task<(HostProcess Host, string Data)> StartAsync(SmtpPeer smtp, double? waitSeconds)
    {
        var data = Directory.CreateTempSubdirectory("appl-snapshot-race-").FullName;
        var config = new JsonObject
        {
            ["appliance.email"] = RuleDeliveryTests.EmailConfig(smtp),
            ["appliance.media"] = new JsonObject
            {
                ["motion"] = new JsonObject { ["enabled"] = false },
                ["snapshot"] = new JsonObject { ["onEvents"] = new JsonArray("CameraEventReceived") },
            },
        };
        var appliance = waitSeconds is { } seconds ? new JsonObject { ["eventSnapshotWaitSeconds"] = seconds } : null;
        var host = await HostProcess.StartAsync(data, BundledPlugins.Stage(BundledPlugins.Email, BundledPlugins.Media), appliance, config);
        await host.LoginAsync();
        await RuleDeliveryTests.CreateRuleAsync(host, Rule);
        return (host, data);
    }

    /// <summary>Publishes a camera event and, <see cref="Late"/> after, keeps its JPEG under its id as the media plugin names it.</summary>
    private static async Task<byte[]> PublishWithLateSnapshotAsync(HostProcess host, string data, string camera)
    {
        var id = await PublishAsync(host, camera);
        await Task.Delay(Late);
        return await KeptSnapshots.CreateAsync(data, $"event-{id:N}-{camera}");
    }

    private static async Task<Guid> PublishAsync(HostProcess host, string camera)
    {
        var request = new { type = "CameraEventReceived", category = "camera", data = new { cameraId = camera, topic = "tns1:VideoSource/Alarm", data = new { } } };
        using var response = await host.Client.PostAsJsonAsync("/api/v1/events", request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
