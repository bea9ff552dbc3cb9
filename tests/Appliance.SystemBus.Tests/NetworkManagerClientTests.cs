using Appliance.Testing.DBus;
using Xunit;

namespace Appliance.SystemBus.Tests;

public sealed class NetworkManagerClientTests : BusTest
{
    protected override async Task StartPeersAsync() => await ApplianceMocks.StartNetworkManagerAsync(Bus, "eth0");

    [Fact]
    public async Task Lists_the_interface_with_its_active_profile_and_dhcp()
    {
        var list = await new NetworkManagerClient(Connection).ListAsync(Ct);

        Assert.True(list.IsOk, list.ToString());
        var eth0 = Assert.Single(list.Value);
        Assert.Equal("eth0", eth0.Interface);
        Assert.Equal("wired-eth0", eth0.ConnectionId);
        Assert.True(eth0.Settings!.Dhcp);
        Assert.Empty(eth0.Settings.Addresses);
    }

    [Fact]
    public async Task Applies_static_settings_that_the_profile_then_holds_and_busctl_sees()
    {
        var wanted = AddressSettings.Create("static", ["192.0.2.10/24"], "192.0.2.1", ["192.0.2.53", "9.9.9.9"]).Value;

        var applied = await new NetworkManagerClient(Connection).ApplyAsync("eth0", wanted, Ct);

        Assert.True(applied.IsOk, applied.ToString());
        var settings = applied.Value.Settings!;
        Assert.False(settings.Dhcp);
        Assert.Equal("192.0.2.10/24", Assert.Single(settings.Addresses).ToString());
        Assert.Equal("192.0.2.1", settings.Gateway!.ToString());
        Assert.Equal(["192.0.2.53", "9.9.9.9"], settings.Dns.Select(d => d.ToString()));
        Assert.Equal("wired-eth0", applied.Value.ConnectionId); // the rest of the profile was written back
        var raw = await Bus.BusctlOrThrowAsync("call", NetworkManagerClient.Service, applied.Value.ConnectionPath!, NetworkManagerClient.ConnectionInterface, "GetSettings");
        Assert.Contains("\"manual\"", raw);
        Assert.Contains("\"192.0.2.10\"", raw);

        var back = await new NetworkManagerClient(Connection).ApplyAsync("eth0", AddressSettings.DhcpOnly, Ct);
        Assert.True(back.Value.Settings!.Dhcp);
        Assert.Empty(back.Value.Settings.Addresses);
    }

    [Fact]
    public async Task An_unknown_interface_is_not_found()
    {
        var applied = await new NetworkManagerClient(Connection).ApplyAsync("wlan9", AddressSettings.DhcpOnly, Ct);

        Assert.Equal(BusFailures.NotFound, applied.Failure?.Code);
    }

    [Fact]
    public async Task A_profile_whose_dns_is_not_an_array_of_uint32_is_malformed()
    {
        var eth0 = (await new NetworkManagerClient(Connection).GetAsync("eth0", Ct)).Value;
        await Bus.BusctlOrThrowAsync("call", NetworkManagerClient.Service, eth0.ConnectionPath!, NetworkManagerClient.ConnectionInterface, "Update",
            "a{sa{sv}}", "2", "connection", "1", "id", "s", "wired-eth0", "ipv4", "2", "method", "s", "manual", "dns", "as", "1", "192.0.2.53");

        var list = await new NetworkManagerClient(Connection).ListAsync(Ct);

        Assert.Equal(BusFailures.Malformed, list.Failure?.Code);
        Assert.Contains("ipv4.dns is an array of String, expected an array of uint32", list.Failure!.Message);
    }
}

/// <summary>A NetworkManager whose GetDevices answers a string: the wrong reply type is a failure that names both signatures.</summary>
public sealed class NetworkManagerBadReplyTests : BusTest
{
    protected override async Task StartPeersAsync()
    {
        await Bus.StartObjectAsync(NetworkManagerClient.Service, NetworkManagerClient.ManagerPath, NetworkManagerClient.ManagerInterface);
        await Bus.MockAsync(NetworkManagerClient.Service, NetworkManagerClient.ManagerPath, "AddMethod", "sssss",
            NetworkManagerClient.ManagerInterface, "GetDevices", "", "s", "ret = '/org/freedesktop/NetworkManager/Devices/0'");
    }

    [Fact]
    public async Task A_reply_of_the_wrong_type_is_malformed()
    {
        var list = await new NetworkManagerClient(Connection).ListAsync(Ct);

        Assert.Equal(BusFailures.Malformed, list.Failure?.Code);
        Assert.Contains("signature is 's', expected 'ao'", list.Failure!.Message);
    }
}
