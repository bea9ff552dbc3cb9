using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Appliance.Testing;

namespace Appliance.Host.Tests;

/// <summary>The generated requirements follow what is loaded and how it is configured (real host process).</summary>
public sealed class NetworkRequirementsTests
{
    [Fact]
    public async Task Changing_a_plugins_port_in_its_config_changes_the_requirements_table()
    {
        await using var host = await HostProcess.StartAsync();
        await host.LoginAsync();
        var port = 47001;
        var network = new JsonArray(new JsonObject
        {
            ["direction"] = "in",
            ["transport"] = "tcp",
            ["port"] = port,
            ["zone"] = "site",
            ["purpose"] = "Probe API for integrators",
            ["required"] = true,
            ["configKey"] = "port",
        });
        using (var content = new ByteArrayContent(await TestPluginBuilder.ProbeZipAsync("test.ports", "1.0.0", new JsonObject { ["port"] = port }, network)))
        {
            content.Headers.ContentType = new("application/zip");
            (await host.Client.PostAsync("/api/v1/plugins", content)).EnsureSuccessStatusCode();
        }

        var before = await host.Client.GetStringAsync("/api/v1/network/requirements?format=csv");
        Assert.Contains($"inbound,tcp,{port},site,", before);
        Assert.Contains("test.ports", before);
        var markdown = await host.Client.GetStringAsync("/api/v1/network/requirements?format=md");
        Assert.Contains($"| inbound | TCP | {port} | site |", markdown);
        Assert.Contains($"| inbound | TCP | {host.HttpsPort} | management |", markdown);

        using var set = await host.Client.PutAsJsonAsync("/api/v1/plugins/test.ports/config", new { port = port + 1 });
        Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync());

        var after = await host.Client.GetStringAsync("/api/v1/network/requirements?format=csv");
        Assert.Contains($"inbound,tcp,{port + 1},site,", after);
        Assert.DoesNotContain($"inbound,tcp,{port},site,", after);
        var ruleset = await host.Client.GetStringAsync("/api/v1/network/firewall/ruleset");
        Assert.Contains($"{port + 1}", ruleset);

        using var bad = await host.Client.PutAsJsonAsync("/api/v1/plugins/test.ports/config", new { port = 70000 });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("config.port", await bad.Content.ReadAsStringAsync());
        Assert.Contains($"inbound,tcp,{port + 1},site,", await host.Client.GetStringAsync("/api/v1/network/requirements?format=csv"));
    }

    [Fact]
    public async Task Two_plugins_wanting_the_same_port_is_a_clear_error_naming_both()
    {
        await using var host = await HostProcess.StartAsync();
        await host.LoginAsync();
        JsonArray Network() => new(new JsonObject
        {
            ["direction"] = "in",
            ["transport"] = "tcp",
            ["port"] = 47554,
            ["zone"] = "site",
            ["purpose"] = "RTSP",
            ["required"] = true,
        });
        foreach (var id in new[] { "test.first", "test.second" })
        {
            using var content = new ByteArrayContent(await TestPluginBuilder.ProbeZipAsync(id, "1.0.0", null, Network()));
            content.Headers.ContentType = new("application/zip");
            (await host.Client.PostAsync("/api/v1/plugins", content)).EnsureSuccessStatusCode();
        }
        var second = await host.Client.GetFromJsonAsync<JsonObject>("/api/v1/plugins/test.second");
        Assert.Equal("Invalid", second!["state"]!.ToString());
        Assert.Contains("test.first and test.second both want tcp/47554 inbound", second["error"]!.ToString());
        Assert.Equal("Running", (await host.Client.GetFromJsonAsync<JsonObject>("/api/v1/plugins/test.first"))!["state"]!.ToString());
    }
}
