using System.Net;
using Appliance.NetCheck.Checks;
using Appliance.NetCheck.Tests.Infrastructure;
using Appliance.NetCheck.Tests.Peers;
using Appliance.Testing;
using Xunit;

namespace Appliance.NetCheck.Tests.Checks;

/// <summary>DNS resolution against a real dnsmasq on 127.0.0.1 (no upstream, names given on its command line).</summary>
public sealed class DnsCheckTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private Dnsmasq _dns = null!;

    public async Task InitializeAsync()
        => _dns = await Dnsmasq.StartAsync(_dir.Path, "appliance.test", new Dictionary<string, IPAddress>
        {
            ["relay.appliance.test"] = IPAddress.Parse("127.0.0.1"),
            ["api.appliance.test"] = IPAddress.Parse("127.0.0.2"),
        });

    public Task DisposeAsync()
    {
        _dns.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private DnsResolutionCheck Check(string fqdn)
        => new(fqdn, NetCheckEnvironment.LookupClientFor(new NetworkDoctorSettings { DnsServer = _dns.EndPoint }));

    [Fact]
    public async Task Required_fqdn_resolves()
    {
        var result = await Run.CheckAsync(Check("api.appliance.test"));
        Assert.Equal(CheckStatus.Pass, result.Status);
        Assert.Contains("127.0.0.2", result.Detail, StringComparison.Ordinal);
        Assert.NotNull(result.LatencyMs);
        Assert.Null(result.Remediation);
    }

    [Fact]
    public async Task Nonexistent_fqdn_fails_naming_the_dns_port()
    {
        var result = await Run.CheckAsync(Check("missing.appliance.test"));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains("Non-Existent Domain", result.Detail, StringComparison.Ordinal);
        Assert.Contains("UDP/TCP 53", result.Remediation, StringComparison.Ordinal);
        Assert.Contains("missing.appliance.test", result.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wildcard_entry_is_a_warning_with_allowlist_advice()
    {
        var result = await Run.CheckAsync(Check("*.appliance.test"));
        Assert.Equal(CheckStatus.Warn, result.Status);
        Assert.Contains("TCP 443", result.Remediation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad_name.appliance.test")]
    [InlineData("a..appliance.test")]
    [InlineData("-lead.appliance.test")]
    [InlineData("")]
    public async Task Malformed_names_fail_without_a_query(string name)
    {
        var result = await Run.CheckAsync(Check(name));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains("is not a valid host name", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopped_dns_server_fails_naming_udp_and_tcp_53()
    {
        _dns.Stop();
        var result = await Run.CheckAsync(Check("api.appliance.test"));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains("UDP and TCP 53", result.Remediation, StringComparison.Ordinal);
        Assert.Contains(_dns.EndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Remediation, StringComparison.Ordinal);
    }
}
