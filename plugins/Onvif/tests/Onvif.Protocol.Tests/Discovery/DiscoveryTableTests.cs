using System.Net;
using Appliance.Plugins.Onvif.Protocol.Discovery;

namespace Appliance.Plugins.Onvif.Protocol.Tests.Discovery;

public class DiscoveryTableTests
{
    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DiscoveredEndpoint Ws(string epr, string ip, string name, DateTimeOffset seen) =>
        new(epr, DiscoveredEndpoint.WsDiscoverySource, [$"http://{ip}/onvif/device_service"], [IPAddress.Parse(ip)], ["dn:NetworkVideoTransmitter"], name, "HW", null,
            new Dictionary<string, string> { ["scopes"] = "s" }, seen);

    private static DiscoveredEndpoint Mdns(string instance, string ip, DateTimeOffset seen) =>
        new(instance, DiscoveredEndpoint.MdnsSource, [$"rtsp://{ip}:554/"], [IPAddress.Parse(ip)], ["_rtsp._tcp.local"], "mdns name", "model-x", "hall",
            new Dictionary<string, string> { ["path"] = "/" }, seen);

    [Fact]
    public void SameEndpointReferenceIsOneDeviceAndTheLatestWins()
    {
        var table = new DiscoveryTable();
        Assert.True(table.Upsert(Ws("urn:uuid:1", "10.0.0.5", "old", T0)));
        Assert.False(table.Upsert(Ws("urn:uuid:1", "10.0.0.5", "old", T0.AddMinutes(1))));
        Assert.True(table.Upsert(Ws("urn:uuid:1", "10.0.0.6", "new", T0.AddMinutes(2))));
        var device = Assert.Single(table.Devices());
        Assert.Equal("new", device.Name);
        Assert.Equal(["http://10.0.0.6/onvif/device_service"], device.Addresses);
    }

    [Fact]
    public void SameIpFromBothSourcesMergesIntoOneDevice()
    {
        var table = new DiscoveryTable();
        table.Upsert(Ws("urn:uuid:1", "10.0.0.5", "Lobby", T0));
        table.Upsert(Mdns("Lobby._rtsp._tcp.local", "10.0.0.5", T0.AddSeconds(5)));
        table.Upsert(Mdns("Other._rtsp._tcp.local", "10.0.0.9", T0));
        var devices = table.Devices();
        Assert.Equal(2, devices.Count);
        var merged = devices.Single(d => d.Key == "urn:uuid:1");
        Assert.Equal("mdns+ws-discovery", merged.Source);
        Assert.Equal("Lobby", merged.Name);
        Assert.Equal("HW", merged.Hardware);
        Assert.Equal("hall", merged.Location);
        Assert.Equal(["http://10.0.0.5/onvif/device_service", "rtsp://10.0.0.5:554/"], merged.Addresses.Order());
        Assert.Equal("/", merged.Attributes["path"]);
        Assert.Equal(T0.AddSeconds(5), merged.SeenAt);
    }

    [Fact]
    public void ByeRemovesAndExpiryForgets()
    {
        var table = new DiscoveryTable();
        table.Upsert(Ws("urn:uuid:1", "10.0.0.5", "a", T0));
        table.Upsert(Ws("urn:uuid:2", "10.0.0.6", "b", T0.AddHours(1)));
        Assert.True(table.Remove(DiscoveredEndpoint.WsDiscoverySource, "urn:uuid:2"));
        Assert.False(table.Remove(DiscoveredEndpoint.WsDiscoverySource, "urn:uuid:2"));
        Assert.Equal(1, table.RemoveOlderThan(T0.AddMinutes(30)));
        Assert.Empty(table.Devices());
    }
}
