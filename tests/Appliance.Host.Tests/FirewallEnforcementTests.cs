using System.Diagnostics;
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
        var netns = $"appl-test-host-{Environment.ProcessId}-{Random.Shared.Next(100000, 999999)}";
        Run("ip", $"netns add {netns}");
        try
        {
            Run("ip", $"-n {netns} link set lo up");
            // ip netns exec bind-mounts /etc/netns/NAME/hosts over /etc/hosts: the names resolve without any DNS traffic.
            Directory.CreateDirectory($"/etc/netns/{netns}");
            File.WriteAllText($"/etc/netns/{netns}/hosts", "127.0.0.1 localhost\n127.0.0.1 updates.appliance.test ntp.appliance.test\n");
            await using var host = await HostProcess.StartAsync(netns: netns, appliance: new JsonObject
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
                table = TryRun("ip", $"netns exec {netns} nft list table inet appliance");
            }
            var status = await host.Client.GetStringAsync("/api/v1/network/firewall");
            Assert.True(table.StartsWith("table inet appliance", StringComparison.Ordinal), status + "\n" + table + "\n" + host.Log);
            Assert.Contains("chain output", table);
            Assert.Matches(@"set fqdn_\w+_v4 \{[^}]*elements = \{ 127\.0\.0\.1", table.ReplaceLineEndings(" "));
            Assert.Contains("\"enforced\":true", status);
            Assert.Contains("\"lastResult\":\"Applied\"", status);
        }
        finally
        {
            RunQuiet("ip", $"netns del {netns}");
            if (Directory.Exists($"/etc/netns/{netns}")) Directory.Delete($"/etc/netns/{netns}", recursive: true);
        }
    }

    private static string Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments}: {output}");
        return output;
    }

    private static void RunQuiet(string file, string arguments) => TryRun(file, arguments);

    private static string TryRun(string file, string arguments)
    {
        try
        {
            return Run(file, arguments);
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message;
        }
    }
}
