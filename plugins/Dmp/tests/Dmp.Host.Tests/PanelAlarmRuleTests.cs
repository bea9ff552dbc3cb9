using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Plugins.Dmp.Tests;

namespace Appliance.Plugins.Dmp.Host.Tests;

/// <summary>
/// Issue 21: a simulated DMP panel's alarm on the receiver port reaches the bus of the real host (child process, the
/// plugin installed from its build output as a bundled plugin) and fires a rule filtered on the zone's camera. No
/// real panel is available here: <see cref="PanelSimulator"/> writes the documented Serial 3 frames over TCP.
/// </summary>
public sealed class PanelAlarmRuleTests
{
    [Fact]
    public async Task A_panel_alarm_is_acknowledged_published_and_fires_a_rule_on_its_camera()
    {
        var port = FreePort.Tcp();
        var data = Directory.CreateTempSubdirectory("appl-dmp-host-").FullName;
        var config = new JsonObject
        {
            ["appliance.dmp"] = new JsonObject
            {
                ["port"] = port,
                ["bindAddress"] = "127.0.0.1",
                ["panels"] = new JsonArray(new JsonObject
                {
                    ["account"] = "12345",
                    ["name"] = "Shop",
                    ["zoneCameras"] = new JsonObject { ["5"] = "lobby" },
                }),
            },
        };
        await using var host = await HostProcess.StartAsync(data, BundledPlugins.Stage("plugins/Dmp/src/Dmp.Plugin"), pluginConfig: config);
        await host.LoginAsync();
        await Eventually.UntilAsync(async () => (await ReceiverStateAsync(host)) == "healthy", "the DMP receiver listening",
            TimeSpan.FromSeconds(60), () => host.Log);

        using (var rule = await host.Client.PostAsync("/api/v1/rules", new StringContent("""
            { "id": "panel-alarm-lobby", "name": "Panel alarm in the lobby",
              "trigger": { "events": ["PanelAlarmRaised"], "cameras": ["lobby"] },
              "actions": [ { "type": "mqtt", "topic": "site/alarm", "payload": "lobby" } ] }
            """, Encoding.UTF8, "application/json")))
        {
            Assert.True(rule.IsSuccessStatusCode, await rule.Content.ReadAsStringAsync());
        }

        await using var panel = await PanelSimulator.ConnectAsync(port);
        await panel.SendFrameAsync(SerialThreeFrames.Alarm());
        Assert.Equal(SerialThreeFrames.Ack(), await panel.ReadAsync(SerialThreeFrames.Ack().Length, TimeSpan.FromSeconds(30)));

        var alarms = await Eventually.UntilAsync(() => EventsAsync(host, "PanelAlarmRaised"), a => a.Count == 1, TimeSpan.FromSeconds(30));
        var alarm = Assert.Single(alarms);
        Assert.Equal("alarm", alarm.GetProperty("category").GetString()?.ToLowerInvariant());
        Assert.Equal("lobby", alarm.GetProperty("data").GetProperty("cameraId").GetString());
        Assert.Equal("12345", alarm.GetProperty("data").GetProperty("account").GetString());

        var requested = await Eventually.UntilAsync(() => EventsAsync(host, "RuleActionRequested"), r => r.Count >= 1, TimeSpan.FromSeconds(30));
        var action = Assert.Single(requested).GetProperty("data");
        Assert.Equal("panel-alarm-lobby", action.GetProperty("ruleId").GetString());
        Assert.Equal(alarm.GetProperty("id").GetString(), action.GetProperty("triggerEventId").GetString());
        Assert.Equal("lobby", action.GetProperty("cameraId").GetString());

        var panels = await host.Client.GetFromJsonAsync<JsonElement>("/plugins/appliance.dmp/panels");
        Assert.Equal("up", panels.EnumerateArray().Single().GetProperty("link").GetString());
    }

    private static async Task<List<JsonElement>> EventsAsync(HostProcess host, string type) =>
        (await host.Client.GetFromJsonAsync<JsonElement>($"/api/v1/events?type={type}&limit=50")).EnumerateArray().ToList();

    private static async Task<string> ReceiverStateAsync(HostProcess host)
    {
        var plugins = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/plugins");
        var entry = plugins.EnumerateArray().SingleOrDefault(p => p.GetProperty("id").GetString() == "appliance.dmp");
        if (entry.ValueKind == JsonValueKind.Undefined || !entry.TryGetProperty("health", out var health)) return "absent";
        foreach (var report in health.EnumerateArray())
            if (report.GetProperty("component").GetString() == "receiver") return report.GetProperty("state").GetString()!.ToLowerInvariant();
        return "none";
    }
}
