using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Testing;

namespace Appliance.Host.Tests;

/// <summary>A plugin that opens a port its manifest does not declare is caught by the host's socket audit.</summary>
public sealed class SocketAuditTests
{
    [Fact]
    public async Task A_plugin_listening_on_an_undeclared_port_raises_a_health_error()
    {
        await using var host = await HostProcess.StartAsync(appliance: new JsonObject
        {
            ["network"] = new JsonObject { ["socketAuditSeconds"] = 0 },
        });
        await host.LoginAsync();
        var clean = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/network/audit");
        Assert.Equal(0, clean.GetProperty("undeclared").GetArrayLength());

        var port = FreePort.Tcp();
        using (var content = new ByteArrayContent(await TestPluginBuilder.ProbeZipAsync("test.rogue", "1.0.0", new JsonObject { ["mode"] = "rogue", ["port"] = port })))
        {
            content.Headers.ContentType = new("application/zip");
            (await host.Client.PostAsync("/api/v1/plugins", content)).EnsureSuccessStatusCode();
        }

        var first = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/network/audit");
        var found = first.GetProperty("undeclared").EnumerateArray().Single();
        Assert.Equal("tcp", found.GetProperty("transport").GetString());
        Assert.Equal(port, found.GetProperty("port").GetInt32());
        Assert.Contains($"tcp {port} on 127.0.0.1", found.GetProperty("text").GetString());

        await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/network/audit");
        var health = await host.Client.GetFromJsonAsync<JsonElement>("/api/v1/health");
        var audit = health.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("component").GetString() == "socket-audit");
        Assert.Equal("unhealthy", audit.GetProperty("state").GetString());
        Assert.Contains($"tcp {port} on 127.0.0.1", audit.GetProperty("message").GetString());
        Assert.Contains("is not declared by any footprint", audit.GetProperty("message").GetString());
    }
}
