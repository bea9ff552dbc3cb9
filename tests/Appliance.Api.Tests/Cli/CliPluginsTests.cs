using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Api.Tests.Support;
using Appliance.Portal.Tests.Support;

namespace Appliance.Api.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class CliPluginsTests(CliHostFixture fixture)
{
    private const string Id = TestPluginPackage.Id;

    [Fact]
    public async Task Plugins_InstallListHotSwapDisableEnableRestartRemove_ThroughTheCli()
    {
        var pid = fixture.Host.Pid;
        var v1 = TestPluginPackage.Create(Path.Combine(fixture.Work, "zips"), "1.0.0");
        var v2 = TestPluginPackage.Create(Path.Combine(fixture.Work, "zips"), "1.2.0");

        await Expect(0, $"installed {Id} 1.0.0: Running", "plugins", "install", v1);
        var list = await Run(0, "plugins", "list");
        Assert.Matches($@"(?m)^{System.Text.RegularExpressions.Regex.Escape(Id)}\s+Portal test plugin\s+1\.0\.0\s+integration\s+Running\s*$", list.Stdout);
        Assert.Equal("hello from test.portal-demo", await fixture.Host.Client.GetStringAsync($"/plugins/{Id}/hello"));

        // Hot swap: the new version runs, the host process is the same.
        await Expect(0, $"installed {Id} 1.2.0: Running", "plugins", "install", v2);
        Assert.Equal(pid, fixture.Host.Pid);
        Assert.False(fixture.Host.HasExited);
        Assert.Equal("hello from test.portal-demo", await fixture.Host.Client.GetStringAsync($"/plugins/{Id}/hello"));

        var shown = await Run(0, "plugins", "show", Id);
        Assert.Matches(@"(?m)^version\s+1\.2\.0$", shown.Stdout);
        Assert.Contains($"GET /plugins/{Id}/hello", shown.Stdout);

        await Expect(0, $"disabled {Id} 1.2.0: Disabled", "plugins", "disable", Id);
        using (var gone = await fixture.Host.Client.GetAsync($"/plugins/{Id}/hello"))
            Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
        await Expect(0, $"enabled {Id} 1.2.0: Running", "plugins", "enable", Id);
        await Expect(0, $"restarted {Id} 1.2.0: Running", "plugins", "restart", Id);

        // A plugin left quarantined makes the command fail, with the plugin's error.
        using (var failing = await fixture.Host.Client.PutAsJsonAsync($"/api/v1/plugins/{Id}/config", new { greeting = "fail-to-start" }))
            failing.EnsureSuccessStatusCode();
        var quarantined = await Run(1, "plugins", "restart", Id);
        Assert.Contains($"restarted {Id} 1.2.0: Quarantined", quarantined.Stdout);
        Assert.Contains($"appliancectl: {Id} is Quarantined: ", quarantined.Stderr);
        Assert.Contains("the test plugin was told to fail at start", quarantined.Stderr);
        using (var fixedConfig = await fixture.Host.Client.PutAsJsonAsync($"/api/v1/plugins/{Id}/config", new { greeting = "hi" }))
            fixedConfig.EnsureSuccessStatusCode();
        Assert.Equal("hi from test.portal-demo", await fixture.Host.Client.GetStringAsync($"/plugins/{Id}/hello"));

        var json = await Run(0, "plugins", "list", "--json");
        var entry = JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().Single(p => p.GetProperty("id").GetString() == Id);
        Assert.Equal("1.2.0", entry.GetProperty("version").GetString());

        await Expect(0, $"removed {Id} 1.2.0", "plugins", "remove", Id);
        Assert.DoesNotContain(Id, (await Run(0, "plugins", "list")).Stdout);
        Assert.Equal(pid, fixture.Host.Pid);
    }

    [Fact]
    public async Task Plugins_BadPackagesAndUnknownIds_AreRefusedWithTheReason()
    {
        var dir = Path.Combine(fixture.Work, "bad");
        Directory.CreateDirectory(dir);
        var notZip = Path.Combine(dir, "not.zip");
        await File.WriteAllTextAsync(notZip, "plain text, not a zip");
        var refused = await Run(1, "plugins", "install", notZip);
        Assert.Contains("POST /api/v1/plugins: 400 package: not a zip archive", refused.Stderr);

        var empty = Path.Combine(dir, "empty.zip");
        await File.WriteAllBytesAsync(empty, []);
        Assert.Contains("is empty", (await Run(1, "plugins", "install", empty)).Stderr);

        Assert.Contains("does not exist", (await Run(1, "plugins", "install", Path.Combine(dir, "missing.zip"))).Stderr);
        Assert.Contains("404 plugin 'no.such-plugin' is not installed", (await Run(1, "plugins", "remove", "no.such-plugin")).Stderr);
        Assert.Contains("404 plugin 'no.such-plugin' is not installed", (await Run(1, "plugins", "enable", "no.such-plugin")).Stderr);
    }

    private async Task Expect(int exitCode, string stdoutLine, params string[] args)
    {
        var result = await Run(exitCode, args);
        Assert.Contains(stdoutLine, result.Stdout.Split('\n').Select(l => l.TrimEnd()));
    }

    private async Task<CliResult> Run(int exitCode, params string[] args)
    {
        var result = await fixture.Cli.RunAsync(args);
        Assert.True(result.ExitCode == exitCode, $"appliancectl {string.Join(' ', args)}: {result}");
        return result;
    }
}
