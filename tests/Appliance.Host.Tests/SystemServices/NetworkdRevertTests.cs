using Appliance.Host.Configuration;
using Appliance.Host.SystemServices;
using Appliance.SystemBus;
using Appliance.SystemBus.Networkd;
using Appliance.Testing;
using Appliance.Testing.DBus;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Host.Tests.SystemServices;

/// <summary>
/// Confirm-or-revert with the image's backend, a real systemd-networkd (in a network namespace, on a private bus):
/// an unconfirmed static address is taken off the interface again, as the kernel shows.
/// </summary>
public sealed class NetworkdRevertTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero));
    private PrivateBus _bus = null!;
    private NetworkdPeer _networkd = null!;
    private BusConnection _connection = null!;
    private NetworkSettingsService _service = null!;

    public async Task InitializeAsync()
    {
        _bus = await PrivateBus.StartAsync();
        _networkd = await NetworkdPeer.StartAsync(_bus);
        _connection = new BusConnection(new SystemBusOptions { Address = _bus.Address, CallTimeoutSeconds = 10 });
        var options = Options.Create(new ApplianceOptions { SystemServices = new SystemServicesOptions { NetworkRevertSeconds = 120 } });
        _service = new NetworkSettingsService(new NetworkdClient(_connection, _networkd.Directory), _time, options, NullLogger<NetworkSettingsService>.Instance);
    }

    public async Task DisposeAsync()
    {
        _service.Dispose();
        await _connection.DisposeAsync();
        await _networkd.DisposeAsync();
        await _bus.DisposeAsync();
    }

    [Fact]
    public async Task An_unconfirmed_static_address_leaves_the_interface_after_two_minutes()
    {
        var pending = await _service.ApplyAsync("v0", AddressSettings.Create("static", ["10.98.0.2/24"], null, []).Value, CancellationToken.None);
        Assert.True(pending.IsOk, pending.ToString() + _networkd.Log);
        Assert.True(pending.Value.Previous.Dhcp);
        Assert.True(await Eventually.HoldsWithinAsync(() => _networkd.Ip("addr show dev v0").Contains("inet 10.98.0.2/24"), TimeSpan.FromSeconds(30)));

        _time.Advance(TimeSpan.FromSeconds(121));

        Assert.True(await Eventually.HoldsWithinAsync(() => !_networkd.Ip("addr show dev v0").Contains("inet 10.98.0.2/24"), TimeSpan.FromSeconds(30)),
            _networkd.Ip("addr show dev v0"));
        Assert.Null(_service.Pending);
        Assert.Contains("DHCP=ipv4", await File.ReadAllTextAsync(Path.Combine(_networkd.Directory, NetworkFile.FileName("v0"))));
    }
}
