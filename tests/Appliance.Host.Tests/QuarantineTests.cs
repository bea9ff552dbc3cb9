using System.Text.Json.Nodes;
using Appliance.Host.Plugins;
using Appliance.Testing;

namespace Appliance.Host.Tests;

/// <summary>Plugins that throw, hang or crash are quarantined with their error; the rest keeps running.</summary>
public sealed class QuarantineTests
{
    [Theory]
    [InlineData("throw", "threw at start: InvalidOperationException: probe was told to fail at start")]
    [InlineData("hang", "did not start within 2 s")]
    [InlineData("crash", "background task 'crasher' crashed: InvalidDataException: probe background task crashed on purpose")]
    public async Task A_failing_plugin_is_quarantined_and_the_others_keep_running(string mode, string expected)
    {
        await using var h = await PluginManagerHarness.StartAsync(startTimeoutSeconds: 2);
        await h.InstallAsync(await TestPluginBuilder.ProbeZipAsync("test.healthy", "1.0.0"));

        await h.InstallAsync(await TestPluginBuilder.ProbeZipAsync("test.bad", "1.0.0", new JsonObject { ["mode"] = mode }));

        var status = await Testing.Eventually.ReadUntilAsync(() => h.Manager.Get("test.bad"), s => s?.State == PluginState.Quarantined);
        Assert.Equal(expected, status!.Error);
        Assert.Contains(h.Health.All(), r => r.Owner == "test.bad" && r.Report.State == Appliance.Abstractions.HealthState.Unhealthy);
        Assert.Null(await h.CallAsync("test.bad", "hello"));
        Assert.Equal(PluginState.Running, h.Manager.Get("test.healthy")!.State);
        Assert.Equal("hello from test.healthy 1.0.0", await h.CallAsync("test.healthy", "hello"));
        Assert.Contains(h.Bus.Recent(50), e => e.Type == "PluginStateChanged" && e.Data.GetProperty("state").GetString() == "quarantined");
    }

    [Fact]
    public async Task Asking_for_an_undeclared_port_is_a_clear_error()
    {
        await using var h = await PluginManagerHarness.StartAsync();
        var port = FreePort.Tcp();
        var declared = new JsonArray(new JsonObject
        {
            ["direction"] = "in",
            ["transport"] = "tcp",
            ["port"] = port,
            ["zone"] = "site",
            ["purpose"] = "probe listener",
            ["required"] = true,
        });

        await h.InstallAsync(await TestPluginBuilder.ProbeZipAsync("test.sneaky", "1.0.0", new JsonObject { ["mode"] = "listen", ["port"] = port + 1 }, declared));
        await h.InstallAsync(await TestPluginBuilder.ProbeZipAsync("test.honest", "1.0.0", new JsonObject { ["mode"] = "listen", ["port"] = port }, declared.DeepClone().AsArray()));

        var sneaky = h.Manager.Get("test.sneaky")!;
        Assert.Equal(PluginState.Quarantined, sneaky.State);
        Assert.Contains($"plugin 'test.sneaky' asked to listen on tcp/{port + 1}, which its manifest does not declare inbound (declared tcp: {port})", sneaky.Error);
        Assert.Equal(PluginState.Running, h.Manager.Get("test.honest")!.State);
    }
}
