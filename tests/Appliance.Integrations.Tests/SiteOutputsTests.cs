using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Plugins.Dmp.Tests;
using Appliance.Plugins.Elasticsearch.Tests;
using Appliance.Plugins.Sms.Tests;

namespace Appliance.Integrations.Tests;

/// <summary>
/// Issue 21's done-when in the real host (a child process): a simulated DMP panel's alarm on its receiver port
/// (documented Serial 3 frames over TCP; no real panel here) fires a rule whose SMS goes through the SMS plugin to a
/// gateway speaking Twilio's documented API, and the alarm, the rule's request and the delivery are indexed through
/// the Elasticsearch plugin's batch subscription into a peer speaking the documented <c>_bulk</c> API (neither a real
/// gateway nor a cluster exists here; see the peers' own notes).
/// </summary>
public sealed class SiteOutputsTests
{
    [Fact]
    public async Task A_panel_alarm_texts_the_guard_and_the_alarm_and_its_outcome_are_indexed()
    {
        var panelPort = FreePort.Tcp();
        await using var gateway = await SmsGatewayPeer.StartAsync();
        await using var cluster = await ElasticsearchPeer.StartAsync();
        var data = Directory.CreateTempSubdirectory("appl-site-outputs-").FullName;
        var config = new JsonObject
        {
            ["appliance.sms"] = new JsonObject
            {
                ["host"] = "127.0.0.1",
                ["port"] = gateway.Port,
                ["accountSid"] = SmsGatewayPeer.AccountSid,
                ["authToken"] = SmsGatewayPeer.AuthToken,
                ["from"] = "+15555550199",
                ["certificateSha256"] = gateway.CertificateSha256,
            },
            ["appliance.dmp"] = new JsonObject
            {
                ["port"] = panelPort,
                ["bindAddress"] = "127.0.0.1",
                ["panels"] = new JsonArray(new JsonObject { ["account"] = "12345", ["name"] = "Yard panel", ["zoneCameras"] = new JsonObject { ["5"] = "yard" } }),
            },
            ["appliance.elasticsearch"] = new JsonObject
            {
                ["host"] = "127.0.0.1",
                ["port"] = cluster.Port,
                ["apiKey"] = ElasticsearchPeer.ApiKey,
                ["certificateSha256"] = cluster.CertificateSha256,
                ["applianceName"] = "site-7",
            },
        };
        var plugins = BundledPlugins.Stage(BundledPlugins.Dmp, BundledPlugins.Sms, BundledPlugins.Elasticsearch);
        await using var host = await HostProcess.StartAsync(data, plugins, pluginConfig: config);
        await host.LoginAsync();
        using (var rule = await host.Client.PostAsync("/api/v1/rules", new StringContent("""
            { "id": "yard-alarm", "name": "Yard alarm",
              "trigger": { "events": ["PanelAlarmRaised"], "cameras": ["yard"] },
              "actions": [ { "type": "sms", "to": ["+15555550100"], "message": "Intruder in the yard" } ] }
            """, Encoding.UTF8, "application/json")))
            Assert.True(rule.IsSuccessStatusCode, await rule.Content.ReadAsStringAsync());

        // The panel reports a burglary alarm in zone 5 (the yard camera's zone) and gets its acknowledgement.
        await Eventually.UntilAsync(async () => await ReceiverHealthyAsync(host), "the DMP receiver listening", TimeSpan.FromSeconds(60), () => host.Log);
        await using (var panel = await PanelSimulator.ConnectAsync(panelPort))
        {
            await panel.SendFrameAsync(SerialThreeFrames.Alarm(zone: 5));
            Assert.Equal(SerialThreeFrames.Ack(), await panel.ReadAsync(SerialThreeFrames.Ack().Length, TimeSpan.FromSeconds(30)));
        }

        await Eventually.UntilAsync(() => !gateway.Accepted.IsEmpty, "the gateway got the SMS", TimeSpan.FromSeconds(60));
        var sms = Assert.Single(gateway.Accepted);
        Assert.Equal("+15555550100", sms.To);
        Assert.Equal("+15555550199", sms.From);
        Assert.StartsWith("Intruder in the yard\nYard alarm at ", sms.Body);
        Assert.EndsWith("camera yard", sms.Body);

        // The panel alarm, the rule's request and the SMS plugin's delivery report are all documents.
        string[] expected = ["PanelAlarmRaised", "RuleActionRequested", "RuleActionDelivered"];
        await Eventually.UntilAsync(() => expected.All(t => Types().Contains(t)), "the events are indexed", TimeSpan.FromSeconds(60),
            () => string.Join(",", Types()));
        var alarm = cluster.Indices.Values.SelectMany(i => i.Values).First(d => d["event"]!["type"]!.GetValue<string>() == "PanelAlarmRaised");
        Assert.Equal("12345", alarm["data"]!["account"]!.GetValue<string>());
        Assert.Equal("yard", alarm["camera"]!["id"]!.GetValue<string>());
        Assert.Equal("site-7", alarm["appliance"]!["name"]!.GetValue<string>());
        Assert.Single(cluster.Templates);

        var status = await host.Client.GetFromJsonAsync<JsonElement>("/plugins/appliance.elasticsearch/status");
        Assert.True(status.GetProperty("indexed").GetInt64() >= 3, status.ToString());

        IReadOnlyList<string> Types() => cluster.Indices.Values.SelectMany(i => i.Values).Select(d => d["event"]!["type"]!.GetValue<string>()).ToList();
    }

    private static async Task<bool> ReceiverHealthyAsync(HostProcess host)
    {
        var plugins = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/plugins");
        return plugins.EnumerateArray().Where(p => p.GetProperty("id").GetString() == "appliance.dmp")
            .SelectMany(p => p.GetProperty("health").EnumerateArray())
            .Any(h => h.GetProperty("component").GetString() == "receiver" && h.GetProperty("state").GetString()!.Equals("healthy", StringComparison.OrdinalIgnoreCase));
    }
}
