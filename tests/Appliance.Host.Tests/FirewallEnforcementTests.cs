using System.Text.Json.Nodes;
using Appliance.Testing;

namespace Appliance.Host.Tests;

/// <summary>
/// With enforcement on, the host applies its ruleset at start and fills the outbound allowlist's FQDN sets.
/// The host runs in a network namespace of its own, so its nftables table never touches the test machine.
/// </summary>
public sealed class FirewallEnforcementTests
{
    [Fact]
    public async Task The_host_applies_its_table_at_start_and_resolves_allowlisted_names_into_sets()
    {
        // ip netns exec bind-mounts /etc/netns/NAME/hosts over /etc/hosts: the names resolve without any DNS traffic.
        using var ns = BareNetns.Create("test-host", "127.0.0.1 localhost\n127.0.0.1 updates.appliance.test ntp.appliance.test\n");
        await using var host = await HostProcess.StartAsync(netns: ns.Name, appliance: new JsonObject
        {
            ["network"] = new JsonObject
            {
                ["updateFqdns"] = new JsonArray("updates.appliance.test"),
                ["cloudMqttFqdn"] = null,
                ["ntpServers"] = new JsonArray("ntp.appliance.test"),
                ["firewall"] = new JsonObject
                {
                    ["enforce"] = true,
                    ["zones"] = new JsonObject { ["outboundAllowlist"] = true, ["interfaces"] = new JsonArray(new JsonObject { ["name"] = "lo", ["zone"] = "uplink" }) },
                },
            },
        });
        await host.LoginAsync();

        var table = "";
        for (var i = 0; i < 100 && !table.Contains("127.0.0.1"); i++)
        {
            await Task.Delay(200);
            table = ns.TryExec("nft list table inet appliance");
        }
        var status = await host.Client.GetStringAsync("/api/v1/network/firewall");
        Assert.True(table.StartsWith("table inet appliance", StringComparison.Ordinal), status + "\n" + table + "\n" + host.Log);
        Assert.Contains("chain output", table);
        Assert.Matches(@"set fqdn_\w+_v4 \{[^}]*elements = \{ 127\.0\.0\.1", table.ReplaceLineEndings(" "));
        Assert.Contains("\"enforced\":true", status);
        Assert.Contains("\"lastResult\":\"Applied\"", status);
    }
}
