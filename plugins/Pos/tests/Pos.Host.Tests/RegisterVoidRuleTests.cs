using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Plugins.Pos.Tests;

namespace Appliance.Plugins.Pos.Host.Tests;

/// <summary>
/// Issue 21: a simulated register's void, sent over TCP to the real host (child process, the plugin installed from its
/// build output as a bundled plugin), is stored, found by the plugin's search route through the host with its camera
/// and time, published with the host's schema check, and fires a rule on the register's camera. No real register is
/// available here: the test writes the ESC/POS byte stream of <see cref="Receipts.SaleWithVoid"/>.
/// </summary>
public sealed class RegisterVoidRuleTests
{
    [Fact]
    public async Task A_register_void_is_searchable_through_the_host_and_fires_a_rule_on_its_camera()
    {
        var port = FreePort.Tcp();
        var data = Directory.CreateTempSubdirectory("appl-pos-host-").FullName;
        var config = new JsonObject
        {
            ["appliance.pos"] = new JsonObject
            {
                ["portRange"] = $"{port}-{port}",
                ["bindAddress"] = "127.0.0.1",
                ["registers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "lane1",
                    ["port"] = port,
                    ["cameraId"] = "lane1-cam",
                    ["rules"] = JsonSerializer.SerializeToNode(Receipts.Rules),
                }),
            },
        };
        await using var host = await HostProcess.StartAsync(data, BundledPlugins.Stage("plugins/Pos/src/Pos.Plugin"), pluginConfig: config);
        await host.LoginAsync();
        await Eventually.UntilAsync(async () => (await RegisterStateAsync(host)) == "healthy", "the register listening", TimeSpan.FromSeconds(60), () => host.Log);

        using (var rule = await host.Client.PostAsync("/api/v1/rules", new StringContent("""
            { "id": "lane-void", "name": "Void at lane 1",
              "trigger": { "events": ["PosVoidRecorded"], "cameras": ["lane1-cam"] },
              "actions": [ { "type": "mqtt", "topic": "site/pos", "payload": "void" } ] }
            """, Encoding.UTF8, "application/json")))
        {
            Assert.True(rule.IsSuccessStatusCode, await rule.Content.ReadAsStringAsync());
        }

        using (var register = new TcpClient(AddressFamily.InterNetwork))
        {
            await register.ConnectAsync(IPAddress.Loopback, port);
            await register.GetStream().WriteAsync(Receipts.SaleWithVoid());
        }

        var voids = await Eventually.UntilAsync(() => EventsAsync(host, "PosVoidRecorded"), v => v.Count == 1, TimeSpan.FromSeconds(30));
        var voided = Assert.Single(voids);
        Assert.Equal("lane1-cam", voided.GetProperty("data").GetProperty("cameraId").GetString());
        var requested = await Eventually.UntilAsync(() => EventsAsync(host, "RuleActionRequested"), r => r.Count >= 1, TimeSpan.FromSeconds(30));
        var action = Assert.Single(requested).GetProperty("data");
        Assert.Equal(("lane-void", voided.GetProperty("id").GetString()), (action.GetProperty("ruleId").GetString(), action.GetProperty("triggerEventId").GetString()));

        var found = await host.Client.GetFromJsonAsync<JsonElement>("/plugins/appliance.pos/search?q=void");
        var hit = Assert.Single(found.EnumerateArray());
        Assert.Equal(("lane1", "lane1-cam", 1), (hit.GetProperty("register").GetString(), hit.GetProperty("cameraId").GetString(), hit.GetProperty("voids").GetInt32()));
        Assert.True(hit.GetProperty("startedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    private static async Task<List<JsonElement>> EventsAsync(HostProcess host, string type) =>
        (await host.Client.GetFromJsonAsync<JsonElement>($"/api/v1/events?type={type}&limit=50")).EnumerateArray().ToList();

    private static async Task<string> RegisterStateAsync(HostProcess host)
    {
        var plugins = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/plugins");
        var entry = plugins.EnumerateArray().SingleOrDefault(p => p.GetProperty("id").GetString() == "appliance.pos");
        if (entry.ValueKind == JsonValueKind.Undefined || !entry.TryGetProperty("health", out var health)) return "absent";
        foreach (var report in health.EnumerateArray())
            if (report.GetProperty("component").GetString() == "register/lane1") return report.GetProperty("state").GetString()!.ToLowerInvariant();
        return "none";
    }
}
