using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Appliance.Api.Tests.Support;
using Appliance.Network.Tests.Support;
using Appliance.Testing;

namespace Appliance.Network.Tests.Cli;

/// <summary>
/// Issue 15 item 9: an unreachable optional target (the cloud link's broker) makes <c>appliancectl netcheck</c> warn,
/// not fail, unless <c>--strict</c>. A host of its own whose every required target answers: names from a dnsmasq of
/// the test's own, NTP from the rig's chronyd, the update server a TLS endpoint on 127.x.y.z:443 trusted through
/// <c>doctor.trustedCaFile</c>; the broker's name points at another 127.x.y.z address where nothing listens.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class NetcheckOptionalCliTests(NetworkHostFixture fixture)
{
    private const string Domain = "optional-link.test";
    private const string UpdatesFqdn = "updates." + Domain;
    private const string MqttFqdn = "mqtt." + Domain;
    private const string NtpFqdn = "ntp." + Domain;

    [Fact]
    public async Task Netcheck_AnUnreachableCloudLinkOnly_WarnsAndExits0_AndFailsWithStrict()
    {
        var folder = Directory.CreateTempSubdirectory("appl-netopt-").FullName;
        try
        {
            await RunAsync(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task RunAsync(string folder)
    {
        // Addresses of this test only (a random 127.x.y.z), so port 443 there cannot be anyone else's.
        var updates = new IPAddress([127, (byte)Random.Shared.Next(64, 250), (byte)Random.Shared.Next(1, 250), (byte)Random.Shared.Next(2, 250)]);
        var broker = new IPAddress([updates.GetAddressBytes()[0], updates.GetAddressBytes()[1], updates.GetAddressBytes()[2], (byte)(updates.GetAddressBytes()[3] + 1)]);
        var tls = TestTls.Create(folder, "updates", [UpdatesFqdn]);
        using var dns = await Dnsmasq.StartAsync(folder, Domain, new Dictionary<string, IPAddress>
        {
            [UpdatesFqdn] = updates,
            [MqttFqdn] = broker,
            [NtpFqdn] = IPAddress.Loopback,
        });
        await using var updateServer = new TlsHandshakeServer(updates, 443, tls.Certificate);
        await using var host = await HostProcess.StartAsync(Directory.CreateDirectory(Path.Combine(folder, "data")).FullName, appliance: new JsonObject
        {
            ["network"] = new JsonObject
            {
                ["ntpServers"] = new JsonArray(NtpFqdn),
                ["updateFqdns"] = new JsonArray(UpdatesFqdn),
                ["cloudMqttFqdn"] = MqttFqdn,
                ["firewall"] = new JsonObject { ["enforce"] = false },
                ["doctor"] = new JsonObject
                {
                    ["dnsServer"] = $"127.0.0.1:{dns.EndPoint.Port}",
                    ["ntpServer"] = $"{NtpFqdn}:{fixture.Rig.NtpPort}",
                    ["trustedCaFile"] = tls.PemPath,
                    ["perCheckTimeoutSeconds"] = 10,
                },
            },
        });
        await host.LoginAsync();
        var cli = await Appliancectl.LoggedInAsync(host, Path.Combine(folder, "cli", "config.json"));

        var table = await cli.ExpectAsync(0, "netcheck");
        var lines = table.Stdout.Split('\n');
        Assert.All(lines, l => Assert.True(l.Length <= 120, $"{l.Length} columns: {l}"));
        AssertRow(table.Stdout, $@"^WARN\s+tls \(optional\)\s+{Regex.Escape(MqttFqdn)}:8883\s");
        AssertRow(table.Stdout, $@"^PASS\s+tls\s+{Regex.Escape(UpdatesFqdn)}:443\s");
        AssertRow(table.Stdout, $@"^PASS\s+ntp\s+{Regex.Escape(NtpFqdn)}:{fixture.Rig.NtpPort}\s");
        Assert.DoesNotContain(lines, l => l.StartsWith("FAIL", StringComparison.Ordinal));
        Assert.Matches(@"(?m)^\d+ checks: \d+ passed, 1 warned, 0 failed$", table.Stdout);
        Assert.True(updateServer.Handshakes >= 1);

        // --strict: the optional check counts; the JSON keeps the appliance's own words (Fail, optional).
        var strict = await cli.ExpectAsync(1, "netcheck", "--strict");
        AssertRow(strict.Stdout, $@"^FAIL\s+tls \(optional\)\s+{Regex.Escape(MqttFqdn)}:8883\s");
        Assert.Matches(@"(?m)^\d+ checks: \d+ passed, 0 warned, 1 failed$", strict.Stdout);
        var json = JsonDocument.Parse((await cli.ExpectAsync(0, "netcheck", "--json")).Stdout).RootElement.EnumerateArray().ToList();
        var mqtt = json.Single(r => r.GetProperty("name").GetString() == "tls" && r.GetProperty("target").GetString() == $"{MqttFqdn}:8883");
        Assert.Equal("Fail", mqtt.GetProperty("status").GetString());
        Assert.True(mqtt.GetProperty("optional").GetBoolean());
        Assert.Contains("TCP 8883", mqtt.GetProperty("remediation").GetString());
        Assert.All(json.Where(r => r.GetProperty("target").GetString()!.StartsWith(UpdatesFqdn, StringComparison.Ordinal)),
            r => Assert.False(r.GetProperty("optional").GetBoolean()));
        await cli.ExpectAsync(1, "netcheck", "--json", "--strict");
    }

    private static void AssertRow(string stdout, string pattern) =>
        Assert.True(Regex.IsMatch(stdout, "(?m)" + pattern), $"no line matches {pattern}:\n{stdout}");
}
