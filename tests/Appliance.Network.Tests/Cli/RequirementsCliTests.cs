using System.Text.Json;
using System.Text.RegularExpressions;
using Appliance.Network.Tests.Support;

namespace Appliance.Network.Tests.Cli;

/// <summary><c>appliancectl network requirements</c> against the running host: the table follows its configuration.</summary>
[Collection(NetworkCollection.Name)]
public sealed class RequirementsCliTests(NetworkHostFixture fixture)
{
    [Fact]
    public async Task Markdown_ListsThePortalsConfiguredPort_TheHostsOutboundNeeds_AndTheAllowlist()
    {
        var md = (await fixture.Cli.ExpectAsync(0, "network", "requirements", "--format", "md")).Stdout;
        Assert.StartsWith("# Network requirements", md);
        Assert.Contains("| Direction | Protocol | Port(s) | Zone | FQDN | Multicast | Purpose | Required | Owner | Config key |", md);
        // The portal listens on the port this host was configured with (a free port picked by the test), not 443.
        Assert.Matches(new Regex($@"(?m)^\| inbound \| TCP \| {fixture.Host.HttpsPort} \| management \|"), md);
        Assert.Matches(new Regex($@"(?m)^\| inbound \| TCP \| {fixture.Host.HttpPort} \| management \|"), md);
        Assert.DoesNotMatch(new Regex(@"(?m)^\| inbound \| TCP \| 443 \|"), md);
        Assert.Matches(new Regex($@"(?m)^\| outbound \| UDP \| 123 \| uplink \| {Regex.Escape(NetworkHostFixture.NtpFqdn)} \|"), md);
        Assert.Matches(new Regex($@"(?m)^\| outbound \| TCP \| 8883 \| uplink \| {Regex.Escape(NetworkHostFixture.MqttFqdn)} \|"), md);
        Assert.Contains($"{NetworkHostFixture.UpdatesFqdn}:443/tcp", md);
    }

    [Fact]
    public async Task Json_Csv_Allowlist_AreTheSameRows_AndAWrongFormatIsAUsageError()
    {
        var json = JsonDocument.Parse((await fixture.Cli.ExpectAsync(0, "network", "requirements", "--format", "json")).Stdout).RootElement;
        var rows = json.GetProperty("requirements").EnumerateArray().ToList();
        Assert.Contains(rows, r => r.GetProperty("direction").GetString() == "in" && r.GetProperty("transport").GetString() == "tcp"
            && r.GetProperty("firstPort").GetInt32() == fixture.Host.HttpsPort && r.GetProperty("zone").GetString() == "management");

        // RFC 4180: a header line, then one line per row, CRLF line ends.
        var csv = (await fixture.Cli.ExpectAsync(0, "network", "requirements", "--format", "csv")).Stdout.TrimEnd('\n', '\r').Split("\r\n");
        Assert.Equal("direction,transport,ports,zone,fqdn,multicast,purpose,required,owner,config_key", csv[0]);
        Assert.Equal(rows.Count + 1, csv.Length);
        Assert.Contains(csv, line => line.StartsWith($"inbound,tcp,{fixture.Host.HttpsPort},management,", StringComparison.Ordinal));

        var allowlist = (await fixture.Cli.ExpectAsync(0, "network", "requirements", "--format", "allowlist")).Stdout.TrimEnd('\n').Split('\n');
        Assert.Contains($"{NetworkHostFixture.UpdatesFqdn}:443/tcp", allowlist);
        Assert.Contains($"{NetworkHostFixture.MqttFqdn}:8883/tcp", allowlist);
        Assert.Contains($"{NetworkHostFixture.NtpFqdn}:123/udp", allowlist);

        var wrong = await fixture.Cli.ExpectAsync(2, "network", "requirements", "--format", "xml");
        Assert.Contains("'xml'", wrong.Stderr);
    }
}
