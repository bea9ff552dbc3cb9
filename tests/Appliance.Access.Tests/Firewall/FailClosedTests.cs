using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Testing;

namespace Appliance.Access.Tests.Firewall;

/// <summary>
/// Finding "firewall fails open": enforcement on and a zone configuration the core rejects. The host runs in a
/// network namespace of its own, so its nftables table never touches the test machine.
/// </summary>
public sealed class FailClosedTests
{
    [Fact]
    public async Task AnInvalidZoneConfiguration_AppliesTheSafeRuleset_AndTheApplianceSaysUnhealthyWithTheReason()
    {
        using var ns = BareNetns.Create("access");
        await using var host = await HostProcess.StartAsync(netns: ns.Name, appliance: new JsonObject
        {
            ["network"] = new JsonObject
            {
                ["firewall"] = new JsonObject
                {
                    ["enforce"] = true,
                    ["zones"] = new JsonObject
                    {
                        ["managementSources"] = new JsonArray("192.0.2.0/24"),
                        ["interfaces"] = new JsonArray(new JsonObject { ["name"] = "lo", ["zone"] = "no-such-zone" }),
                    },
                },
            },
        });
        await host.LoginAsync();

        var table = "";
        for (var i = 0; i < 150 && !table.Contains("fail closed", StringComparison.Ordinal); i++)
        {
            await Task.Delay(200);
            table = ns.TryExec("nft list table inet appliance");
        }
        Assert.True(table.Contains("policy drop", StringComparison.Ordinal) && table.Contains("192.0.2.0/24", StringComparison.Ordinal), table + "\n" + host.Log);
        var ports = string.Join(", ", new[] { host.HttpPort, host.HttpsPort }.Order());
        Assert.Contains($"tcp dport {{ {ports} }}", table);

        var healthz = await host.Client.GetFromJsonAsync<JsonElement>("/healthz");
        Assert.Equal("unhealthy", healthz.GetProperty("status").GetString());
        var health = await host.Client.GetStringAsync("/api/v1/health");
        Assert.Contains("fail closed", health);
        Assert.Contains("no-such-zone", health);
        var firewall = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/network/firewall");
        Assert.Contains("fail closed", firewall.GetProperty("failClosedReason").GetString());
    }
}
