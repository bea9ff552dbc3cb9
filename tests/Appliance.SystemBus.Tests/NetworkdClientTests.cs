using Appliance.SystemBus.Networkd;
using Appliance.Testing;
using Appliance.Testing.DBus;
using Xunit;

namespace Appliance.SystemBus.Tests;

/// <summary>
/// The client against a real systemd-networkd (Debian's) on the private bus, in a network namespace with a veth pair;
/// what the kernel then has is read with ip.
/// </summary>
public sealed class NetworkdClientTests : BusTest
{
    private NetworkdPeer _networkd = null!;

    protected override async Task StartPeersAsync() => _networkd = await NetworkdPeer.StartAsync(Bus);

    protected override async Task StopPeersAsync() => await _networkd.DisposeAsync();

    private NetworkdClient Client(string? directory = null) => new(Connection, directory ?? _networkd.Directory);

    private Task<bool> KernelHasAsync(string what, bool expected) =>
        Eventually.HoldsWithinAsync(() => _networkd.Ip("addr show dev v0").Contains(what) == expected, TimeSpan.FromSeconds(30));

    [Fact]
    public async Task The_links_are_listed_with_the_file_networkd_applies_and_its_settings()
    {
        var list = await Client().ListAsync(Ct);

        Assert.True(list.IsOk, list.Failure?.ToString() + _networkd.Log);
        var v0 = Assert.Single(list.Value, l => l.Interface == "v0");
        Assert.DoesNotContain(list.Value, l => l.Interface == "lo");
        Assert.Equal(NetworkdPeer.DefaultFile, v0.ConnectionId);
        Assert.True(v0.Settings!.Dhcp);
    }

    [Fact]
    public async Task Static_settings_reach_the_kernel_and_dhcp_takes_them_away_again()
    {
        var wanted = AddressSettings.Create("static", ["10.99.0.2/24"], "10.99.0.1", ["10.99.0.53"]).Value;

        var applied = await Client().ApplyAsync("v0", wanted, Ct);

        Assert.True(applied.IsOk, applied.Failure?.ToString() + _networkd.Log);
        Assert.Equal(NetworkFile.FileName("v0"), applied.Value.ConnectionId);
        Assert.Equal(("10.99.0.2/24", "10.99.0.1"), (string.Join(",", applied.Value.Settings!.Addresses), applied.Value.Settings.Gateway?.ToString()));
        Assert.True(await KernelHasAsync("inet 10.99.0.2/24", true), _networkd.Ip("addr show dev v0") + _networkd.Log);
        Assert.True(await Eventually.HoldsWithinAsync(() => _networkd.Ip("route show default").Contains("via 10.99.0.1"), TimeSpan.FromSeconds(30)),
            _networkd.Ip("route"));

        var back = await Client().ApplyAsync("v0", AddressSettings.DhcpOnly, Ct);

        Assert.True(back.Value.Settings!.Dhcp);
        Assert.True(await KernelHasAsync("inet 10.99.0.2/24", false), _networkd.Ip("addr show dev v0"));
    }

    [Fact]
    public async Task An_unknown_link_is_not_found_and_an_unwritable_folder_is_a_file_error()
    {
        var unknown = await Client().ApplyAsync("wlan9", AddressSettings.DhcpOnly, Ct);
        var unwritable = await Client("/nonexistent/network").ApplyAsync("v0", AddressSettings.DhcpOnly, Ct);

        Assert.Equal(BusFailures.NotFound, unknown.Failure?.Code);
        Assert.Equal(BusFailures.FileError, unwritable.Failure?.Code);
        Assert.Contains("/nonexistent/network/10-appliance-v0.network", unwritable.Failure!.Message);
    }

    [Fact]
    public async Task A_file_networkd_applies_that_does_not_read_is_a_clear_failure()
    {
        await File.WriteAllTextAsync(Path.Combine(_networkd.Directory, NetworkFile.FileName("v0")), "[Match]\nName=v0\n[Network]\nAddress=10.99.0.999/24\n");
        await Bus.BusctlOrThrowAsync("call", NetworkdClient.Service, NetworkdClient.ManagerPath, NetworkdClient.ManagerInterface, "Reload");

        var read = await Client().GetAsync("v0", Ct);

        Assert.Equal(BusFailures.Invalid, read.Failure?.Code);
        Assert.Contains("10-appliance-v0.network line 4", read.Failure!.Message);
    }
}
