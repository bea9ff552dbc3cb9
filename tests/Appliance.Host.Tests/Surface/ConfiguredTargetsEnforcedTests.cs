using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Appliance.Testing;
using Xunit.Abstractions;

namespace Appliance.Host.Tests.Surface;

/// <summary>
/// A plugin's configured VMS targets (targetsKey) enforced end to end: the host runs in its own network namespace with
/// enforcement and the outbound allowlist on; a VMS site namespace listens on A (7001, 7002) and B (7101, 7102). With A
/// configured, the generated requirements, the applied nftables table, real connections (nmap from the appliance's
/// namespace) and the network doctor's TCP target checks say A and not B; after the configuration is changed to B
/// through the API, all four say B and not A.
/// </summary>
public sealed class ConfiguredTargetsEnforcedTests(ITestOutputHelper output)
{
    private const string Id = "test.vms";
    private static readonly int[] A = [7001, 7002];
    private static readonly int[] B = [7101, 7102];
    private const int Unlistened = 7103;

    [Fact]
    public async Task Requirements_ruleset_connections_and_doctor_follow_the_configured_targets()
    {
        using var rig = new TargetsRig([.. A, .. B]);
        Directory.CreateDirectory($"/etc/netns/{rig.App}");
        try
        {
            // ip netns exec bind-mounts this over /etc/hosts: the host's own names resolve without DNS traffic.
            File.WriteAllText($"/etc/netns/{rig.App}/hosts", "127.0.0.1 localhost updates.appliance.test ntp.appliance.test\n");
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
            var bundled = Directory.CreateTempSubdirectory("appl-targets-bundled-").FullName;
            SurfacePluginPackage.Folder(bundled, SurfacePluginPackage.Manifest(Id, "1.0.0", "v1", network: network));
            await using var host = await HostProcess.StartAsync(netns: rig.App, bundledPlugins: bundled, appliance: new JsonObject
            {
                ["network"] = new JsonObject
                {
                    ["updateFqdns"] = new JsonArray("updates.appliance.test"),
                    ["cloudMqttFqdn"] = null,
                    ["ntpServers"] = new JsonArray("ntp.appliance.test"),
                    ["firewall"] = new JsonObject
                    {
                        ["enforce"] = true,
                        ["zones"] = new JsonObject
                        {
                            ["outboundAllowlist"] = true,
                            ["interfaces"] = new JsonArray(new JsonObject { ["name"] = TargetsRig.SiteInterface, ["zone"] = "site" }),
                        },
                    },
                    ["doctor"] = new JsonObject { ["dnsServer"] = "127.0.0.1:53", ["perCheckTimeoutSeconds"] = 5 },
                },
            });
            await host.LoginAsync();
            await Eventually.UntilAsync(async () => (await host.Client.GetAsync($"/plugins/{Id}/hello")).IsSuccessStatusCode, "plugin runs", TimeSpan.FromSeconds(60));

            await SetServers(host, A);
            await ProveAsync(host, rig, allowed: A, refused: B);

            await SetServers(host, [.. B, Unlistened]);
            await ProveAsync(host, rig, allowed: B, refused: A);

            // The doctor really connects: a configured target where nothing listens fails, naming the port.
            var unlistened = (await DoctorTargetsAsync(host))[$"{TargetsRig.SiteAddress}:{Unlistened}"];
            Assert.Equal("Fail", unlistened.GetProperty("status").GetString());
            Assert.Contains($"TCP {Unlistened} refused", unlistened.GetProperty("detail").GetString());
        }
        finally
        {
            Directory.Delete($"/etc/netns/{rig.App}", recursive: true);
        }
    }

    /// <summary>Requirements, compiled and applied ruleset, nmap and the doctor all allow <paramref name="allowed"/> and not <paramref name="refused"/>.</summary>
    private async Task ProveAsync(HostProcess host, TargetsRig rig, int[] allowed, int[] refused)
    {
        var requirements = await host.Client.GetStringAsync("/api/v1/network/requirements?format=csv");
        var vms = requirements.Split('\n').Where(l => l.Contains("VMS servers", StringComparison.Ordinal)).ToList();
        output.WriteLine(string.Join("\n", vms));
        foreach (var port in allowed)
            Assert.Contains(vms, l => l.Contains(TargetsRig.SiteAddress, StringComparison.Ordinal) && Regex.IsMatch(l, $@"\b{port}\b"));
        foreach (var port in refused)
            Assert.DoesNotContain(vms, l => Regex.IsMatch(l, $@"\b{port}\b"));

        var compiled = await host.Client.GetStringAsync("/api/v1/network/firewall/ruleset");
        foreach (var port in allowed) Assert.Contains($"tcp dport {port} accept", compiled);
        foreach (var port in refused) Assert.DoesNotContain($"dport {port} ", compiled);

        // The host re-applies when the plugin restarts with its new configuration and fills the target's address set.
        var applied = "";
        await Eventually.UntilAsync(() =>
        {
            applied = rig.AppliedTable();
            return Task.FromResult(allowed.All(p => applied.Contains($"tcp dport {p} accept", StringComparison.Ordinal))
                && refused.All(p => !applied.Contains($"dport {p} ", StringComparison.Ordinal))
                && applied.Contains(TargetsRig.SiteAddress, StringComparison.Ordinal));
        }, $"applied table allows {string.Join(",", allowed)} only", TimeSpan.FromSeconds(60));
        output.WriteLine(applied);
        Assert.Matches(@"chain output \{[^}]*policy drop", applied.ReplaceLineEndings(" "));

        var states = rig.ScanFromAppliance([.. allowed, .. refused]);
        output.WriteLine(string.Join(", ", states.Select(s => $"{s.Key}/{s.Value}")));
        foreach (var port in allowed) Assert.Equal("open", states[port]);
        foreach (var port in refused) Assert.NotEqual("open", states[port]);

        var doctor = await DoctorTargetsAsync(host);
        foreach (var port in allowed)
        {
            var check = doctor[$"{TargetsRig.SiteAddress}:{port}"];
            Assert.True(check.GetProperty("status").GetString() == "Pass", check.ToString());
        }
        foreach (var port in refused)
            Assert.False(doctor.ContainsKey($"{TargetsRig.SiteAddress}:{port}"), $"the doctor still checks {port}");
    }

    private async Task<Dictionary<string, JsonElement>> DoctorTargetsAsync(HostProcess host)
    {
        using var response = await host.Client.PostAsync("/api/v1/network/netcheck", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var checks = JsonDocument.Parse(body).RootElement.EnumerateArray().Select(c => c.Clone()).ToList();
        output.WriteLine(string.Join("\n", checks.Select(c => $"{c.GetProperty("name")} {c.GetProperty("target")} {c.GetProperty("status")} {c.GetProperty("detail")}")));
        return checks.Where(c => c.GetProperty("name").GetString() == "tcp-target").ToDictionary(c => c.GetProperty("target").GetString()!, c => c);
    }

    private static async Task SetServers(HostProcess host, int[] ports)
    {
        var servers = new JsonArray(ports.Select(p => (JsonNode)new JsonObject { ["host"] = TargetsRig.SiteAddress, ["port"] = p }).ToArray());
        using var response = await host.Client.PutAsJsonAsync($"/api/v1/plugins/{Id}/config", new JsonObject { ["servers"] = servers });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        await Eventually.UntilAsync(async () => (await host.Client.GetAsync($"/plugins/{Id}/hello")).IsSuccessStatusCode, "plugin runs again", TimeSpan.FromSeconds(60));
    }
}
