using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Testing;

namespace Appliance.Host.Tests;

/// <summary>The JSON-valued parts of the configuration file (plugin sections, firewall zones) reach what uses them.</summary>
public sealed class ConfigFileTests
{
    [Fact]
    public async Task Plugin_sections_and_firewall_zones_from_the_config_file_are_used()
    {
        var bundled = Directory.CreateTempSubdirectory("appl-bundled-").FullName;
        var network = new JsonArray(new JsonObject
        {
            ["direction"] = "in",
            ["transport"] = "tcp",
            ["port"] = 47000,
            ["zone"] = "site",
            ["purpose"] = "probe API",
            ["required"] = true,
            ["configKey"] = "port",
        });
        await TestPluginBuilder.ProbeFolderAsync("test.fromfile", "1.0.0", network: network, into: Path.Combine(bundled, "test.fromfile"));
        await using var host = await HostProcess.StartAsync(
            bundledPlugins: bundled,
            pluginConfig: new JsonObject { ["test.fromfile"] = new JsonObject { ["port"] = 47123 } },
            appliance: new JsonObject
            {
                ["network"] = new JsonObject
                {
                    ["firewall"] = new JsonObject
                    {
                        ["zones"] = new JsonObject
                        {
                            ["interfaces"] = new JsonArray(new JsonObject { ["name"] = "eth7", ["zone"] = "site" }, new JsonObject { ["name"] = "eth8", ["zone"] = "cameras" }),
                            ["managementSources"] = new JsonArray("192.0.2.0/24"),
                        },
                    },
                },
            });
        await host.LoginAsync();

        var csv = await host.Client.GetStringAsync("/api/v1/network/requirements?format=csv");
        Assert.Contains("inbound,tcp,47123,site,", csv);
        var ruleset = await host.Client.GetStringAsync("/api/v1/network/firewall/ruleset");
        Assert.Contains("\"eth7\"", ruleset);
        Assert.Contains("192.0.2.0/24", ruleset);
        Assert.Contains("47123", ruleset);
    }

    [Fact]
    public async Task A_malformed_zone_is_a_clear_error_and_nothing_is_applied()
    {
        await using var host = await HostProcess.StartAsync(appliance: new JsonObject
        {
            ["network"] = new JsonObject
            {
                ["firewall"] = new JsonObject
                {
                    ["zones"] = new JsonObject
                    {
                        ["interfaces"] = new JsonArray(new JsonObject { ["name"] = "eth1", ["zone"] = "camras" }),
                        ["managementSources"] = new JsonArray("10.0.0.0/33"),
                    },
                },
            },
        });
        await host.LoginAsync();
        var status = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/network/firewall");
        var errors = status.GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(errors, e => e!.Contains("zones.interfaces[0].zone") && e.Contains("camras"));
        Assert.Contains(errors, e => e!.Contains("zones.managementSources[0]") && e.Contains("10.0.0.0/33"));
        Assert.Equal(JsonValueKind.Null, status.GetProperty("ruleset").ValueKind);
        using var apply = await host.Client.PostAsync("/api/v1/network/firewall/apply?confirm=false", null);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, apply.StatusCode);
    }
}
