using Appliance.SystemBus.Networkd;
using Xunit;

namespace Appliance.SystemBus.Tests;

/// <summary>The .network files the appliance writes and reads: what it writes reads back the same; what it reads may be anyone's.</summary>
public sealed class NetworkFileTests
{
    private static AddressSettings Static(string[] addresses, string? gateway, string[] dns) => AddressSettings.Create("static", addresses, gateway, dns).Value;

    public static TheoryData<AddressSettings> Settings() =>
    [
        AddressSettings.DhcpOnly,
        AddressSettings.Create("dhcp", [], null, ["192.0.2.53"]).Value,
        Static(["192.0.2.10/24"], null, []),
        Static(["192.0.2.10/24", "198.51.100.7/25"], "192.0.2.1", ["192.0.2.53", "198.51.100.53"]),
    ];

    [Theory]
    [MemberData(nameof(Settings))]
    public void What_is_written_reads_back_the_same(AddressSettings settings)
    {
        var back = NetworkFile.Read(NetworkFile.Render("lan0", settings), "x").Value;
        Assert.Equal((settings.Dhcp, string.Join(",", settings.Addresses), settings.Gateway, string.Join(",", settings.Dns)),
            (back.Dhcp, string.Join(",", back.Addresses), back.Gateway, string.Join(",", back.Dns)));
    }

    [Fact]
    public void The_written_file_matches_only_its_interface_and_keeps_the_fallback_and_the_multicast_route()
    {
        var dhcp = NetworkFile.Render("lan0", AddressSettings.DhcpOnly);
        Assert.Contains("[Match]\nName=lan0\n", dhcp);
        Assert.Contains("LinkLocalAddressing=ipv4", dhcp);
        Assert.Contains("Destination=224.0.0.0/4", dhcp);
        Assert.Contains("LinkLocalAddressing=no", NetworkFile.Render("lan0", Static(["192.0.2.10/24"], null, [])));
        Assert.Equal("10-appliance-lan0.network", NetworkFile.FileName("lan0"));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("lan0\nName=*")]
    [InlineData("")]
    [InlineData("a-name-longer-than-15")]
    public void A_name_that_is_not_an_interface_is_never_written(string name)
    {
        Assert.False(NetworkFile.IsInterfaceName(name));
        Assert.Throws<ArgumentException>(() => NetworkFile.Render(name, AddressSettings.DhcpOnly));
    }

    [Fact]
    public void The_images_default_file_reads_as_dhcp_and_a_route_with_a_destination_is_no_gateway()
    {
        const string image = "# comment\n[Match]\nType=ether\n\n[Network]\nDHCP=yes\nLinkLocalAddressing=yes\nIPv6AcceptRA=yes\n\n[DHCPv4]\nUseHostname=no\n\n"
            + "[Route]\nDestination=224.0.0.0/4\nMetric=2048\n";
        var read = NetworkFile.Read(image, "80-appliance-wired.network").Value;
        Assert.True(read.Dhcp);
        Assert.Null(read.Gateway);
        Assert.Empty(read.Addresses);
    }

    [Fact]
    public void Another_tools_file_gives_its_ipv4_parts_and_skips_ipv6()
    {
        const string other = "[Network]\nAddress=2001:db8::5/64\nAddress=192.0.2.5/24\nDNS=192.0.2.53 2001:db8::53 198.51.100.53#dns.example\n"
            + "Gateway=fe80::1\n[Address]\nAddress=192.0.2.6/24\n[Route]\nGateway=192.0.2.1\n";
        var read = NetworkFile.Read(other, "x").Value;
        Assert.False(read.Dhcp);
        Assert.Equal(["192.0.2.5/24", "192.0.2.6/24"], read.Addresses.Select(a => a.ToString()));
        Assert.Equal("192.0.2.1", read.Gateway?.ToString());
        Assert.Equal(["192.0.2.53", "198.51.100.53"], read.Dns.Select(d => d.ToString()));
    }

    [Theory]
    [InlineData("[Network\nDHCP=yes\n", "line 1: a section header without ']'")]
    [InlineData("[Network]\nDHCP\n", "line 2: not 'Key=value'")]
    [InlineData("[Network]\nDHCP=maybe\n", "line 2: DHCP=maybe is not yes, no, ipv4 or ipv6")]
    [InlineData("[Network]\nAddress=192.0.2.300/24\n", "line 2: address '192.0.2.300' is not an IPv4 address")]
    [InlineData("[Network]\nAddress=192.0.2.3\n", "line 2: address '192.0.2.3' has no prefix length")]
    [InlineData("[Network]\nGateway=gw.example\n", "line 2: gateway 'gw.example' is not an IPv4 address")]
    [InlineData("[Network]\nDNS=1.2.3\n", "line 2: DNS server '1.2.3' is not an IPv4 address")]
    public void A_file_that_does_not_read_names_the_line(string text, string said)
    {
        var read = NetworkFile.Read(text, "bad.network");
        Assert.Equal(BusFailures.Invalid, read.Failure?.Code);
        Assert.Contains("bad.network " + said, read.Failure!.Message);
    }

    [Fact]
    public void An_oversized_or_overfull_file_is_refused()
    {
        Assert.Contains("larger than", NetworkFile.Read(new string('#', NetworkFile.MaxBytes + 1), "big").Failure!.Message);
        var many = "[Network]\n" + string.Concat(Enumerable.Range(1, 17).Select(i => $"Address=192.0.2.{i}/24\n"));
        Assert.Contains("more than 16 addresses", NetworkFile.Read(many, "many").Failure!.Message);
    }

    [Fact]
    public void A_truncated_file_reads_what_is_complete()
    {
        var whole = NetworkFile.Render("lan0", Static(["192.0.2.10/24"], "192.0.2.1", []));
        var cut = whole[..(whole.IndexOf("Gateway=", StringComparison.Ordinal) + "Gateway=192.0".Length)];
        Assert.Contains("line", NetworkFile.Read(cut, "cut").Failure!.Message);
    }
}
