using System.Text.Json;
using System.Text.RegularExpressions;
using Appliance.Network.Tests.Support;

namespace Appliance.Network.Tests.Cli;

/// <summary>
/// <c>appliancectl netcheck</c> against the dev rig: DNS, STUN/NAT, NTP and the camera's RTSP pass on the rig's real
/// peers; TLS to names with no server, and a name that does not exist, fail with a remediation naming port and protocol.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class NetcheckCliTests(NetworkHostFixture fixture)
{
    [Fact]
    public async Task Netcheck_Json_PassesOnTheRigsPeers_AndEveryFailureNamesPortAndProtocol()
    {
        var run = await fixture.Cli.ExpectAsync(1, "netcheck", "--json");
        var results = JsonDocument.Parse(run.Stdout).RootElement.EnumerateArray().Select(Check.From).ToList();

        foreach (var name in new[] { NetworkHostFixture.NtpFqdn, NetworkHostFixture.UpdatesFqdn, NetworkHostFixture.MqttFqdn })
        {
            var dns = Single(results, "dns", name);
            AssertPass(dns);
            // Answered by the rig's dnsmasq, never by the system resolver (which does not know appliance.test).
            Assert.Contains("127.0.0.1", dns.Detail);
            Assert.Contains($"{fixture.Rig.DnsPort}", dns.Detail);
        }
        var missing = Single(results, "dns", NetworkHostFixture.MissingFqdn);
        AssertFail(missing, "UDP/TCP 53");

        var stun = Single(results, "stun-nat", NetworkHostFixture.StunFqdn);
        AssertPass(stun);
        Assert.StartsWith("peer-to-peer video will work", stun.Detail, StringComparison.Ordinal);

        AssertPass(Single(results, "ntp", NetworkHostFixture.NtpFqdn));
        var rtsp = Single(results, "camera-rtsp", NetworkHostFixture.CameraName);
        AssertPass(rtsp);
        Assert.Contains($":{fixture.Rig.CameraPort}/demo", rtsp.Target);

        // Nothing listens on 127.0.0.1:443 or :8883 (the rig's names all point there): the TLS checks fail, saying what to open.
        AssertFail(Single(results, "tls", NetworkHostFixture.UpdatesFqdn), "TCP 443");
        AssertFail(Single(results, "tls", NetworkHostFixture.MqttFqdn), "TCP 8883");
        var unresolvable = Single(results, "tls", NetworkHostFixture.MissingFqdn);
        AssertFail(unresolvable, "TCP 443");
        Assert.Contains("resolvable", unresolvable.Remediation);

        Assert.All(results, r => Assert.True(r.Status == "Pass" ? r.Remediation is null : !string.IsNullOrWhiteSpace(r.Remediation),
            $"{r.Name} {r.Target}: {r.Status} with remediation '{r.Remediation}'"));
    }

    [Fact]
    public async Task Netcheck_Table_ShowsStatusCheckTargetLatencyDetailRemediation_AndExits1OnAFailure()
    {
        var run = await fixture.Cli.ExpectAsync(1, "netcheck");
        var lines = run.Stdout.Split('\n');
        Assert.Matches(@"^STATUS\s+CHECK\s+TARGET\s+LATENCY\s+DETAIL\s+REMEDIATION$", lines[0]);
        Assert.Contains(lines, l => Regex.IsMatch(l, $@"^PASS\s+ntp\s+{Regex.Escape(NetworkHostFixture.NtpFqdn)}:{fixture.Rig.NtpPort}\s+\d+\.\d ms\s"));
        var camera = Array.FindIndex(lines, l => Regex.IsMatch(l, @"^PASS\s+camera-rtsp\s"));
        Assert.True(camera > 0, run.Stdout);
        Assert.Equal($"{NetworkHostFixture.CameraName} rtsp://127.0.0.1:{fixture.Rig.CameraPort}/demo", Cell(lines, camera, "TARGET", "LATENCY"));
        Assert.Contains(lines, l => Regex.IsMatch(l, $@"^FAIL\s+tls\s+{Regex.Escape(NetworkHostFixture.UpdatesFqdn)}:443\s"));
        // Long remediation wraps onto continuation lines of its row: every line fits 120 columns, the text is whole.
        Assert.All(lines, l => Assert.True(l.Length <= 120, $"{l.Length} columns: {l}"));
        var remediation = lines[0].IndexOf("REMEDIATION", StringComparison.Ordinal);
        Assert.Contains($"Allow outbound TCP 443 to {NetworkHostFixture.UpdatesFqdn}", string.Join(" ", lines.Where(l => l.Length > remediation).Select(l => l[remediation..].Trim())));
        // The cloud link is optional (its footprint entry is not required): its failure is a warning here.
        Assert.Contains(lines, l => Regex.IsMatch(l, $@"^WARN\s+tls \(optional\)\s+{Regex.Escape(NetworkHostFixture.MqttFqdn)}:8883\s"));
        var summary = Regex.Match(run.Stdout, @"(?m)^(\d+) checks: (\d+) passed, (\d+) warned, (\d+) failed$");
        Assert.True(summary.Success, run.Stdout);
        Assert.True(int.Parse(summary.Groups[4].Value) >= 3, run.Stdout);
        Assert.Equal(int.Parse(summary.Groups[1].Value), lines.Count(l => Regex.IsMatch(l, "^(PASS|WARN|FAIL) ")));
    }

    /// <summary>A cell of a wrapped table: its row's line and the continuation lines below it, between two headers.</summary>
    private static string Cell(string[] lines, int row, string header, string nextHeader)
    {
        var start = lines[0].IndexOf(header, StringComparison.Ordinal);
        var end = lines[0].IndexOf(nextHeader, StringComparison.Ordinal);
        var rowLines = lines.Skip(row).Take(1).Concat(lines.Skip(row + 1).TakeWhile(l => l.StartsWith(' ')));
        return string.Join(" ", rowLines.Where(l => l.Length > start).Select(l => l[start..Math.Min(end, l.Length)].Trim()).Where(t => t.Length > 0));
    }

    private static Check Single(IReadOnlyList<Check> results, string name, string target)
    {
        var matches = results.Where(r => r.Name == name && r.Target.Contains(target, StringComparison.Ordinal)).ToList();
        Assert.True(matches.Count == 1, $"expected one {name} check for {target}, got {matches.Count}:\n{string.Join("\n", results)}");
        return matches[0];
    }

    private static void AssertPass(Check check)
    {
        Assert.True(check.Status == "Pass", check.ToString());
        Assert.NotNull(check.LatencyMs);
        Assert.Null(check.Remediation);
    }

    private static void AssertFail(Check check, string portAndProtocol)
    {
        Assert.True(check.Status == "Fail", check.ToString());
        Assert.False(string.IsNullOrWhiteSpace(check.Detail), check.ToString());
        Assert.Contains(portAndProtocol, check.Remediation ?? "");
    }

    private sealed record Check(string Name, string Target, string Status, double? LatencyMs, string Detail, string? Remediation)
    {
        public static Check From(JsonElement e) => new(
            e.GetProperty("name").GetString()!, e.GetProperty("target").GetString()!, e.GetProperty("status").GetString()!,
            e.GetProperty("latencyMs").ValueKind == JsonValueKind.Number ? e.GetProperty("latencyMs").GetDouble() : null,
            e.GetProperty("detail").GetString()!, e.GetProperty("remediation").GetString());
    }
}
