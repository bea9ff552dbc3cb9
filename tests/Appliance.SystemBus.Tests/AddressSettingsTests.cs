using Xunit;

namespace Appliance.SystemBus.Tests;

public sealed class AddressSettingsTests
{
    [Fact]
    public void Static_settings_are_read_with_their_prefix_gateway_and_dns()
    {
        var settings = AddressSettings.Create("static", ["10.1.2.3/16", "192.0.2.4/32"], "10.1.0.1", ["10.1.0.53"]);

        Assert.True(settings.IsOk, settings.ToString());
        Assert.Equal(["10.1.2.3/16", "192.0.2.4/32"], settings.Value.Addresses.Select(a => a.ToString()));
        Assert.Equal("10.1.0.1", settings.Value.Gateway!.ToString());
    }

    [Theory]
    [InlineData("manual", new string[0], null, "method 'manual' is not 'dhcp' or 'static'")]
    [InlineData("static", new string[0], null, "static needs at least one address")]
    [InlineData("static", new[] { "192.0.2.10" }, null, "has no prefix length")]
    [InlineData("static", new[] { "192.0.2.10/33" }, null, "the prefix length must be 1-32")]
    [InlineData("static", new[] { "192.0.2.10/-1" }, null, "the prefix length must be 1-32")]
    [InlineData("static", new[] { "192.0.2/24" }, null, "is not an IPv4 address")]
    [InlineData("static", new[] { "0x7f.0.0.1/8" }, null, "is not an IPv4 address")]
    [InlineData("static", new[] { "2001:db8::1/64" }, null, "is not an IPv4 address")]
    [InlineData("static", new[] { "192.0.2.300/24" }, null, "is not an IPv4 address")]
    [InlineData("static", new[] { "192.0.2.10/24" }, "198.51.100.1", "is not in the subnet of any address")]
    [InlineData("static", new[] { "192.0.2.10/24" }, "gateway", "gateway 'gateway' is not an IPv4 address")]
    [InlineData("dhcp", new[] { "192.0.2.10/24" }, null, "with dhcp, addresses and the gateway come from the lease")]
    [InlineData("dhcp", new string[0], "192.0.2.1", "with dhcp, addresses and the gateway come from the lease")]
    public void Bad_settings_are_refused_with_the_reason(string method, string[] addresses, string? gateway, string reason)
    {
        var settings = AddressSettings.Create(method, addresses, gateway, []);

        Assert.False(settings.IsOk);
        Assert.Equal(BusFailures.Invalid, settings.Failure!.Code);
        Assert.Contains(reason, settings.Failure.Message);
    }

    [Fact]
    public void Every_problem_is_reported_one_per_line()
    {
        var settings = AddressSettings.Create("static", ["x/24", "192.0.2.1"], "nope", ["1.2.3"]);

        Assert.Equal(4, settings.Failure!.Message.Split('\n').Length);
    }

    [Fact]
    public void Too_many_dns_servers_are_refused()
    {
        var settings = AddressSettings.Create("dhcp", [], null, Enumerable.Range(1, 9).Select(i => $"192.0.2.{i}"));

        Assert.Contains("at most 8 DNS servers", settings.Failure!.Message);
    }
}
