using System.Net;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Onvif.Plugin.Discovery;
using Appliance.Plugins.Onvif.Protocol.Discovery;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Onvif.Plugin.Tests;

public class DiscoveryServiceTests
{
    private static DiscoveredEndpoint Camera(string name, DateTimeOffset seen, string ip = "10.0.0.5") =>
        new("urn:uuid:1", DiscoveredEndpoint.WsDiscoverySource, [$"http://{ip}/onvif/device_service"], [IPAddress.Parse(ip)], ["dn:NetworkVideoTransmitter"],
            name, "HW", null, new Dictionary<string, string>(), seen);

    [Fact]
    public async Task OnlyNewOrChangedDevicesArePublished()
    {
        var bus = new OutboxDouble();
        var discovery = new DiscoveryService(bus, new MemoryLogDouble(), TimeProvider.System, TimeSpan.FromMinutes(5));
        var t0 = DateTimeOffset.UtcNow;
        await discovery.UpsertAsync(Camera("Lobby", t0), CancellationToken.None);
        await discovery.UpsertAsync(Camera("Lobby", t0.AddSeconds(30)), CancellationToken.None);
        await discovery.UpsertAsync(Camera("Lobby", t0.AddSeconds(60)), CancellationToken.None);
        Assert.Single(bus.Published);
        await discovery.UpsertAsync(Camera("Lobby renamed", t0.AddSeconds(90)), CancellationToken.None);
        var events = bus.Published.Cast<DeviceDiscovered>().ToList();
        Assert.Equal(["Lobby", "Lobby renamed"], events.Select(e => e.Device.Name));
        Assert.Equal("10.0.0.5", events[1].Device.Attributes["ipAddresses"]);
    }

    [Fact]
    public async Task ADeviceThatLeftIsAnnouncedAgainWhenItReturns()
    {
        var bus = new OutboxDouble();
        var discovery = new DiscoveryService(bus, new MemoryLogDouble(), TimeProvider.System, TimeSpan.FromMinutes(5));
        await discovery.UpsertAsync(Camera("Lobby", DateTimeOffset.UtcNow), CancellationToken.None);
        await discovery.RemoveAsync(DiscoveredEndpoint.WsDiscoverySource, "urn:uuid:1", CancellationToken.None);
        Assert.Empty(await discovery.DevicesAsync(CancellationToken.None));
        await discovery.UpsertAsync(Camera("Lobby", DateTimeOffset.UtcNow), CancellationToken.None);
        Assert.Equal(2, bus.Published.Count);
    }

    [Fact]
    public async Task ARequestedRoundPublishesEveryKnownDeviceAgainAndStartsARound()
    {
        var bus = new OutboxDouble();
        var discovery = new DiscoveryService(bus, new MemoryLogDouble(), TimeProvider.System, TimeSpan.FromMinutes(5));
        var rounds = discovery.Rounds();
        Assert.True(rounds.TryRead(out _)); // the start round
        await discovery.UpsertAsync(Camera("Lobby", DateTimeOffset.UtcNow), CancellationToken.None);
        await discovery.UpsertAsync(Camera("Dock", DateTimeOffset.UtcNow, "10.0.0.6") with { Key = "urn:uuid:2" }, CancellationToken.None);
        Assert.Equal(2, bus.Published.Count);

        await discovery.RequestedRoundAsync("requested by admin", CancellationToken.None);

        var again = bus.Published.Cast<DeviceDiscovered>().Skip(2).Select(e => e.Device.Name).Order().ToList();
        Assert.Equal(["Dock", "Lobby"], again);
        Assert.True(rounds.TryRead(out var reason));
        Assert.Equal("requested by admin", reason);
    }

    [Fact]
    public async Task StaleDevicesExpireAfterThreeIntervals()
    {
        var discovery = new DiscoveryService(new OutboxDouble(), new MemoryLogDouble(), TimeProvider.System, TimeSpan.FromMinutes(5));
        await discovery.UpsertAsync(Camera("Old", DateTimeOffset.UtcNow.AddMinutes(-16)), CancellationToken.None);
        await discovery.UpsertAsync(Camera("New", DateTimeOffset.UtcNow, "10.0.0.6") with { Key = "urn:uuid:2" }, CancellationToken.None);
        await discovery.ExpireAsync(CancellationToken.None);
        Assert.Equal(["New"], (await discovery.DevicesAsync(CancellationToken.None)).Select(d => d.Name));
    }
}
