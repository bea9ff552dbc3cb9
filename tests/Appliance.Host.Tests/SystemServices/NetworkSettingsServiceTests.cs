using Appliance.Host.Configuration;
using Appliance.Host.SystemServices;
using Appliance.SystemBus;
using Appliance.Testing.DBus;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Appliance.Testing;

namespace Appliance.Host.Tests.SystemServices;

/// <summary>Confirm-or-revert on the injected clock: NetworkManager mocked on a private bus, time moved by the test.</summary>
public sealed class NetworkSettingsServiceTests : IAsyncLifetime
{
    private PrivateBus _bus = null!;
    private BusConnection _connection = null!;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero));
    private NetworkSettingsService _service = null!;
    private NetworkManagerClient _network = null!;

    public async Task InitializeAsync()
    {
        _bus = await PrivateBus.StartAsync();
        await ApplianceMocks.StartNetworkManagerAsync(_bus, "eth0");
        _connection = new BusConnection(new SystemBusOptions { Address = _bus.Address, CallTimeoutSeconds = 5 });
        _network = new NetworkManagerClient(_connection);
        var options = Options.Create(new ApplianceOptions { SystemServices = new SystemServicesOptions { NetworkRevertSeconds = 120 } });
        _service = new NetworkSettingsService(_network, _time, options, NullLogger<NetworkSettingsService>.Instance);
    }

    public async Task DisposeAsync()
    {
        _service.Dispose();
        await _connection.DisposeAsync();
        await _bus.DisposeAsync();
    }

    private static AddressSettings Static(string address) => AddressSettings.Create("static", [address], null, []).Value;

    private async Task<bool> IsDhcpAsync() => (await _network.GetAsync("eth0", CancellationToken.None)).Value.Settings!.Dhcp;

    [Fact]
    public async Task Unconfirmed_the_previous_settings_come_back_after_two_minutes_not_before()
    {
        var pending = await _service.ApplyAsync("eth0", Static("192.0.2.10/24"), CancellationToken.None);
        Assert.True(pending.IsOk, pending.ToString());
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(2), pending.Value.RevertAt);

        _time.Advance(TimeSpan.FromSeconds(119));
        await Task.Delay(300);
        Assert.False(await IsDhcpAsync());
        Assert.NotNull(_service.Pending);

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await Eventually.HoldsWithinAsync(IsDhcpAsync, TimeSpan.FromSeconds(10)));
        Assert.Null(_service.Pending);
        Assert.Contains("not confirmed within 120 s", (await _service.StatusAsync(CancellationToken.None)).LastRevert);
    }

    [Fact]
    public async Task Confirmed_the_new_settings_stay_and_nothing_is_left_to_revert()
    {
        Assert.True((await _service.ApplyAsync("eth0", Static("192.0.2.10/24"), CancellationToken.None)).IsOk);

        Assert.True(_service.Confirm());
        _time.Advance(TimeSpan.FromMinutes(10));
        await Task.Delay(300);

        Assert.False(await IsDhcpAsync());
        Assert.False(_service.Confirm());
        Assert.Equal("not-found", (await _service.RevertAsync(CancellationToken.None)).Failure?.Code);
    }

    [Fact]
    public async Task A_second_change_waits_for_the_first_and_an_explicit_revert_restores_at_once()
    {
        Assert.True((await _service.ApplyAsync("eth0", Static("192.0.2.10/24"), CancellationToken.None)).IsOk);

        var second = await _service.ApplyAsync("eth0", Static("198.51.100.2/24"), CancellationToken.None);
        Assert.Equal("conflict", second.Failure?.Code);

        var reverted = await _service.RevertAsync(CancellationToken.None);
        Assert.True(reverted.IsOk, reverted.ToString());
        Assert.True(await IsDhcpAsync());
        _time.Advance(TimeSpan.FromMinutes(5)); // the cancelled timer must not revert anything again
        Assert.Null(_service.Pending);
    }
}
