using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using MimeKit;

namespace Appliance.Integrations.Tests;

/// <summary>
/// Issue 19, done when: a motion event triggers a rule that delivers a Milestone analytics event, an e-mail with the
/// snapshot and a signed webhook; a VMS that is down for a while gets every event afterwards. The real host runs as
/// a child process with the three plugins installed; the peers are aiosmtpd (STARTTLS, its self-signed certificate
/// pinned), the npm standardwebhooks receiver (verifies every signature; HTTPS, pinned) and, for XProtect (Windows
/// and a licence: not available here), a TCP listener whose bytes are checked against Milestone's published
/// "Analytics Event and MAD protocol" XML (doc.developer.milestonesys.com, reference/protocols/analytics_and_mad_events).
/// </summary>
public sealed class RuleDeliveryTests
{
    private static readonly XNamespace Milestone = "urn:milestone-systems";

    [Fact]
    public async Task A_motion_event_reaches_xprotect_an_email_with_its_snapshot_and_a_verified_webhook()
    {
        var secret = "whsec_" + Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray());
        await using var vms = new RecordingTcpServer(_ => [], readToEnd: true);
        await using var smtp = await SmtpPeer.StartAsync("starttls");
        await using var receiver = await NodeReceiver.StartAsync(secret, "verify");
        var data = Directory.CreateTempSubdirectory("appl-integrations-").FullName;
        var jpeg = await KeptSnapshots.CreateAsync(data, "event-motion-lobby-20261203T120000000");

        await using var host = await HostProcess.StartAsync(data, Plugins(), pluginConfig: Config(vms.Port, smtp, receiver, secret));
        await host.LoginAsync();
        await CreateRuleAsync(host, """
            { "id": "lobby-motion", "name": "Motion in the lobby",
              "trigger": { "events": ["MotionDetected"], "cameras": ["lobby"] },
              "actions": [ { "type": "vms", "target": "xprotect", "message": "Lobby motion" },
                           { "type": "email", "to": ["guard@site.example"], "subject": "Motion in the lobby" },
                           { "type": "webhook", "target": "site" } ] }
            """);

        await PublishMotionAsync(host, "lobby", "event-motion-lobby-20261203T120000000");

        var xml = XDocument.Parse(Encoding.UTF8.GetString((await vms.WaitForAsync(1)).Single()));
        var header = xml.Root!.Element(Milestone + "EventHeader")!;
        Assert.Equal("AnalyticsEvent", xml.Root.Name.LocalName);
        Assert.Equal("Lobby motion", header.Element(Milestone + "Message")!.Value);
        Assert.Equal("MotionDetected", header.Element(Milestone + "Type")!.Value);
        Assert.Equal("lobby", header.Element(Milestone + "Source")!.Element(Milestone + "Name")!.Value);
        Assert.Equal("lobby-motion", header.Element(Milestone + "CustomTag")!.Value);

        var (eml, envelope) = (await smtp.WaitForAsync(1)).Single();
        var mail = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(eml)));
        Assert.Equal("Motion in the lobby", mail.Subject);
        Assert.True(JsonDocument.Parse(envelope).RootElement.GetProperty("tls").GetBoolean());
        var attachment = Assert.Single(mail.Attachments.OfType<MimePart>());
        Assert.Equal("image/jpeg", attachment.ContentType.MimeType);
        using (var bytes = new MemoryStream())
        {
            await attachment.Content!.DecodeToAsync(bytes);
            Assert.Equal(jpeg, bytes.ToArray());
        }

        var line = (await receiver.WaitForLinesAsync(1)).Single();
        Assert.True(line.GetProperty("verified").GetBoolean(), line.ToString());
        var payload = line.GetProperty("payload");
        Assert.Equal("rule.fired", payload.GetProperty("type").GetString());
        Assert.Equal("lobby-motion", payload.GetProperty("data").GetProperty("ruleId").GetString());
        // The event's JPEG rides along (issue 20 item 4), byte for byte.
        var thumbnail = payload.GetProperty("data").GetProperty("thumbnail");
        Assert.Equal("event-motion-lobby-20261203T120000000", thumbnail.GetProperty("snapshotId").GetString());
        Assert.Equal(jpeg, Convert.FromBase64String(thumbnail.GetProperty("data").GetString()!));
        Assert.Equal((320, 240), (thumbnail.GetProperty("width").GetInt32(), thumbnail.GetProperty("height").GetInt32()));

        // The webhook plugin's portal page lists the attempt.
        using (var page = await host.Client.GetAsync("/plugins/appliance.webhooks/page"))
        {
            Assert.True(page.IsSuccessStatusCode, page.StatusCode.ToString());
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("certificate pinned", html);
            Assert.Contains(line.GetProperty("id").GetString()!, html);
        }

        // Each plugin reported its delivery on the bus.
        var delivered = await Eventually.UntilAsync(async () =>
            (await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/events?type=RuleActionDelivered&limit=10")).GetArrayLength(),
            n => n >= 3, TimeSpan.FromSeconds(60));
        Assert.Equal(3, delivered);

        // Both images that went out (the e-mail's attachment, the webhook's thumbnail) are data use 'thumbnails'
        // (issue 20 item 5), reported by the plugins through IPluginContext.DataUse.
        var month = DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var counted = await Eventually.ValueAsync(
            async () => (await host.Client.GetFromJsonAsync<JsonElement>($"/api/v1/datause?month={month}")).GetProperty("monthBytes").GetProperty("thumbnails").GetInt64(),
            bytes => bytes >= 2L * jpeg.Length, "the e-mailed and webhooked image counted in /api/v1/datause", TimeSpan.FromSeconds(30));
        Assert.Equal(2L * jpeg.Length, counted);
        var sources = (await host.Client.GetFromJsonAsync<JsonElement>($"/api/v1/datause?month={month}")).GetProperty("sourceBytes");
        Assert.Equal(jpeg.Length, sources.GetProperty("appliance.email").GetInt64());
        Assert.Equal(jpeg.Length, sources.GetProperty("appliance.webhooks").GetInt64());
    }

    [Fact]
    public async Task An_event_server_down_for_a_while_gets_every_event_afterwards_in_order()
    {
        var port = FreePort.Tcp();
        var data = Directory.CreateTempSubdirectory("appl-integrations-").FullName;
        var config = new JsonObject { ["appliance.milestone"] = MilestoneConfig(port) };
        await using var host = await HostProcess.StartAsync(data, Plugins(), pluginConfig: config);
        await host.LoginAsync();
        await CreateRuleAsync(host, """
            { "id": "any-motion", "name": "Any motion",
              "trigger": { "events": ["MotionDetected"] },
              "actions": [ { "type": "vms", "target": "xprotect", "message": "Motion" } ] }
            """);

        // The event server is down: nothing listens on its port while five cameras report motion.
        string[] cameras = ["cam1", "cam2", "cam3", "cam4", "cam5"];
        foreach (var camera in cameras) await PublishMotionAsync(host, camera, null);
        var health = await Eventually.UntilAsync(() => HealthOfAsync(host, "appliance.milestone", "xprotect"),
            h => h.State == "degraded", TimeSpan.FromSeconds(60));
        Assert.Equal("degraded", health.State);
        Assert.NotEmpty(health.Message);

        // Back on the same port: every event arrives, in the order it happened.
        await using var vms = new RecordingTcpServer(_ => [], readToEnd: true, port: port);
        var received = await vms.WaitForAsync(cameras.Length, TimeSpan.FromSeconds(90));
        var sources = received.Select(b => XDocument.Parse(Encoding.UTF8.GetString(b)).Root!
            .Element(Milestone + "EventHeader")!.Element(Milestone + "Source")!.Element(Milestone + "Name")!.Value).ToList();
        Assert.Equal(cameras, sources);
    }

    private static string Plugins() => BundledPlugins.Stage(BundledPlugins.Milestone, BundledPlugins.Email, BundledPlugins.Webhooks);

    private static JsonObject MilestoneConfig(int port) => new()
    {
        ["servers"] = new JsonArray(new JsonObject { ["name"] = "xprotect", ["host"] = "127.0.0.1", ["port"] = port, ["timeoutSeconds"] = 5 }),
        ["quickAttempts"] = 1,
    };

    private static JsonObject Config(int vmsPort, SmtpPeer smtp, NodeReceiver receiver, string secret) => new()
    {
        ["appliance.milestone"] = MilestoneConfig(vmsPort),
        ["appliance.email"] = EmailConfig(smtp),
        ["appliance.webhooks"] = new JsonObject
        {
            ["targets"] = new JsonArray(new JsonObject
            {
                ["name"] = "site",
                ["url"] = receiver.Url.ToString(),
                ["secret"] = secret,
                ["certificateSha256"] = receiver.CertificateSha256,
            }),
        },
    };

    /// <summary>The e-mail plugin sending through <paramref name="smtp"/> (STARTTLS, its certificate pinned).</summary>
    internal static JsonObject EmailConfig(SmtpPeer smtp)
    {
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(smtp.CertificatePath);
        return new JsonObject
        {
            ["host"] = "127.0.0.1",
            ["port"] = smtp.Port,
            ["security"] = "starttls",
            ["from"] = "appliance@site.example",
            ["certificateSha256"] = certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256),
        };
    }

    internal static async Task CreateRuleAsync(HostProcess host, string rule)
    {
        using var response = await host.Client.PostAsync("/api/v1/rules", new StringContent(rule, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task PublishMotionAsync(HostProcess host, string camera, string? snapshotId)
    {
        var motion = new { type = "MotionDetected", category = "analytics", data = new { cameraId = camera, source = "door", active = true, snapshotId } };
        using var response = await host.Client.PostAsJsonAsync("/api/v1/events", motion);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<(string State, string Message)> HealthOfAsync(HostProcess host, string plugin, string component)
    {
        var plugins = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/plugins");
        var entry = plugins.EnumerateArray().Single(p => p.GetProperty("id").GetString() == plugin);
        foreach (var report in entry.GetProperty("health").EnumerateArray())
            if (report.GetProperty("component").GetString() == component)
                return (report.GetProperty("state").GetString()!.ToLowerInvariant(), report.GetProperty("message").GetString() ?? "");
        return ("none", "");
    }
}
