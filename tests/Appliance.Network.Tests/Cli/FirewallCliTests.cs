using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Network.Tests.Support;
using Appliance.Testing;

namespace Appliance.Network.Tests.Cli;

/// <summary><c>appliancectl network firewall [--ruleset]</c> and <c>network audit</c> against the real host.</summary>
[Collection(NetworkCollection.Name)]
public sealed class FirewallCliTests(NetworkHostFixture fixture)
{
    [Fact]
    public async Task Firewall_Status_And_Ruleset_OpenThePortalsConfiguredPorts()
    {
        var status = await fixture.Cli.ExpectAsync(0, "network", "firewall");
        Assert.Matches(@"(?m)^enforcement\s+not enforced", status.Stdout);
        Assert.Matches(@"(?m)^ruleset\s+compiles \(\d+ lines; --ruleset prints it\)$", status.Stdout);
        Assert.Matches(@"(?m)^confirmation\s+nothing waiting$", status.Stdout);

        var json = JsonDocument.Parse((await fixture.Cli.ExpectAsync(0, "network", "firewall", "--json")).Stdout).RootElement;
        Assert.False(json.GetProperty("enforced").GetBoolean());
        Assert.Empty(json.GetProperty("errors").EnumerateArray());

        var ruleset = (await fixture.Cli.ExpectAsync(0, "network", "firewall", "--ruleset")).Stdout;
        Assert.Equal(json.GetProperty("ruleset").GetString()!.TrimEnd('\n'), ruleset.TrimEnd('\n'));
        Assert.Contains("table inet appliance", ruleset);
        Assert.Contains($"{fixture.Host.HttpsPort}", ruleset);

        // Enforcement is off in this configuration: an apply is refused with the reason, and nothing waits for a confirmation.
        using var apply = await fixture.Host.Client.PostAsync("/api/v1/network/firewall/apply?confirm=false", null);
        Assert.Equal(400, (int)apply.StatusCode);
        Assert.Contains("enforcement is off", (await apply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Audit_ReportsNoUndeclaredListener_ForTheHostAlone()
    {
        var audit = await fixture.Cli.ExpectAsync(0, "network", "audit");
        Assert.Equal("every listening socket is declared in the network footprint", audit.Stdout.Trim());
        var json = JsonDocument.Parse((await fixture.Cli.ExpectAsync(0, "network", "audit", "--json")).Stdout).RootElement;
        Assert.Empty(json.GetProperty("undeclared").EnumerateArray());
    }

    /// <summary>
    /// Enforcement on, but nft is missing: the apply at start is rejected naming the culprit, the previous ruleset
    /// stays in force, and the status command exits 1. (The nft path does not exist: nothing touches this machine.)
    /// </summary>
    [Fact]
    public async Task Firewall_EnforcedWithoutNft_ReportsTheRejectedApply_AndExits1()
    {
        var network = NetworkHostFixture.NetworkSection(fixture.Rig);
        network["firewall"] = new JsonObject { ["enforce"] = true, ["nftPath"] = "/nonexistent/appl-test/nft", ["confirmTimeoutSeconds"] = 5 };
        var host = await HostProcess.StartAsync(appliance: new JsonObject { ["network"] = network });
        try
        {
            await host.LoginAsync();
            var token = host.Client.DefaultRequestHeaders.Authorization!.Parameter!;
            string[] target = ["--url", host.BaseUri.GetLeftPart(UriPartial.Authority), "--token", token, "--insecure"];

            // The enforcer applies once at start; poll until it has recorded its outcome.
            var status = await Eventually.ValueAsync(() => host.Client.GetFromJsonAsync<JsonElement>("/api/v1/network/firewall"),
                s => s.GetProperty("lastResult").ValueKind != JsonValueKind.Null, "the firewall applied at start", TimeSpan.FromSeconds(60), () => host.Log, TimeSpan.FromMilliseconds(200));
            Assert.Equal("Rejected", status.GetProperty("lastResult").GetString());

            var shown = await fixture.Cli.ExpectAsync(1, [.. target, "network", "firewall"]);
            Assert.Matches(@"(?m)^enforcement\s+enforced$", shown.Stdout);
            // The time in the local zone, with its offset (issue 15 item 9).
            Assert.Matches(@"(?m)^last apply\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d: Rejected$", shown.Stdout);
            Assert.Contains("/nonexistent/appl-test/nft", shown.Stdout);
            Assert.Contains("the last apply was Rejected", shown.Stderr);

            // The ruleset itself still compiles and is shown.
            Assert.Contains("table inet appliance", (await fixture.Cli.ExpectAsync(0, [.. target, "network", "firewall", "--ruleset"])).Stdout);
        }
        finally
        {
            await host.DisposeAsync();
            TryDelete(host.DataDirectory);
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
