using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Appliance.Testing;
using Xunit.Abstractions;

namespace Appliance.Host.Tests.Surface;

/// <summary>
/// A plugin whose VMS targets come from its configuration (targetsKey): the generated requirements and the compiled
/// nftables ruleset follow each configuration change at once; a configuration whose targets do not resolve is refused
/// with the path of the bad value and changes nothing.
/// </summary>
public sealed class ConfiguredFootprintTests(ITestOutputHelper output)
{
    private const string Id = "test.vms";

    [Fact]
    public async Task Requirements_and_firewall_follow_the_configured_VMS_targets()
    {
        var network = new JsonArray(new JsonObject
        {
            ["direction"] = "out",
            ["transport"] = "tcp",
            ["port"] = 7001,
            ["zone"] = "site",
            ["targetsKey"] = "servers",
            ["purpose"] = "VMS servers",
            ["required"] = true,
        });
        var bundled = Directory.CreateTempSubdirectory("appl-vms-bundled-").FullName;
        SurfacePluginPackage.Folder(bundled, SurfacePluginPackage.Manifest(Id, "1.0.0", "v1", network: network));
        var zones = new JsonObject
        {
            ["interfaces"] = new JsonArray(new JsonObject { ["name"] = "vethsite0", ["zone"] = "site" }, new JsonObject { ["name"] = "vethup0", ["zone"] = "uplink" }),
            ["outboundAllowlist"] = true,
        };
        await using var host = await HostProcess.StartAsync(bundledPlugins: bundled,
            appliance: new JsonObject { ["network"] = new JsonObject { ["firewall"] = new JsonObject { ["zones"] = zones } } });
        await host.LoginAsync();
        await Eventually.UntilAsync(async () => (await host.Client.GetAsync($"/plugins/{Id}/hello")).IsSuccessStatusCode, "plugin runs", TimeSpan.FromSeconds(60));

        // No targets configured: no entry, no rule.
        Assert.DoesNotContain("VMS servers", await host.Client.GetStringAsync("/api/v1/network/requirements"));

        await SetServers(host, """[{"host": "vms1.site.example", "port": 7001}, {"host": "10.20.0.5", "port": 7443}]""");
        var requirements = await host.Client.GetStringAsync("/api/v1/network/requirements?format=csv");
        var ruleset = await host.Client.GetStringAsync("/api/v1/network/firewall/ruleset");
        output.WriteLine(requirements + "\n" + ruleset);
        Assert.Contains("vms1.site.example", requirements);
        Assert.Contains("10.20.0.5", requirements);
        Assert.Contains("7443", requirements);
        Assert.Contains("tcp dport 7443 accept", ruleset);
        Assert.Contains("tcp dport 7001 accept", ruleset);

        await SetServers(host, """[{"host": "vms3.site.example", "port": 7002}]""");
        requirements = await host.Client.GetStringAsync("/api/v1/network/requirements?format=csv");
        ruleset = await host.Client.GetStringAsync("/api/v1/network/firewall/ruleset");
        output.WriteLine(requirements + "\n" + ruleset);
        Assert.Contains("vms3.site.example", requirements);
        Assert.DoesNotContain("vms1.site.example", requirements);
        Assert.DoesNotContain("7443", ruleset);
        Assert.DoesNotContain("dport 7001 ", ruleset);
        Assert.Contains("tcp dport 7002 accept", ruleset);

        // Targets that do not resolve: refused with the path of each bad value; the running footprint is unchanged.
        using var refused = await host.Client.PutAsJsonAsync($"/api/v1/plugins/{Id}/config",
            JsonNode.Parse("""{"servers": [{"port": 70000}, {"host": "not a host"}]}"""));
        var reason = await refused.Content.ReadAsStringAsync();
        output.WriteLine(reason);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("config.servers[0].host: a target needs a host", reason);
        Assert.Contains("config.servers[0].port: 70000 is not a TCP/UDP port", reason);
        Assert.Contains("config.servers[1].host", reason);
        Assert.Contains("vms3.site.example", await host.Client.GetStringAsync("/api/v1/network/requirements?format=csv"));
    }

    private static async Task SetServers(HostProcess host, string servers)
    {
        using var response = await host.Client.PutAsJsonAsync($"/api/v1/plugins/{Id}/config", JsonNode.Parse($$"""{"servers": {{servers}}}"""));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        await Eventually.UntilAsync(async () => (await host.Client.GetAsync($"/plugins/{Id}/hello")).IsSuccessStatusCode, "plugin runs again", TimeSpan.FromSeconds(60));
    }
}
