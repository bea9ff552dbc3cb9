using System.Net;
using Appliance.Plugins.Onvif.Protocol.Discovery;

namespace Appliance.Plugins.Onvif.Protocol.Tests.Discovery;

/// <summary>The discovery table against hostile neighbours: per-sender and total limits, Bye only from the device.</summary>
public class DiscoveryTableLimitsTests
{
    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DiscoveredEndpoint Ws(string epr, string ip, string sender) =>
        new DiscoveredEndpoint(epr, DiscoveredEndpoint.WsDiscoverySource, [$"http://{ip}/onvif/device_service"], [IPAddress.Parse(ip)], ["dn:NetworkVideoTransmitter"],
            "n", null, null, new Dictionary<string, string>(), T0)
        { Sender = IPAddress.Parse(sender) };

    [Fact]
    public void OneSenderGetsAtMostItsShareAndKnownEntriesStillRefresh()
    {
        var table = new DiscoveryTable(maxEntries: 100, maxPerSender: 4);
        for (var i = 0; i < 50; i++) table.Upsert(Ws($"urn:uuid:{i}", $"10.0.1.{i + 1}", "10.0.0.66"));
        Assert.Equal(4, table.Count);
        Assert.Equal(46, table.Refused);
        Assert.Equal("10.0.0.66 already has 4 entries", table.LastRefusal);
        Assert.True(table.Upsert(Ws("urn:uuid:0", "10.0.2.1", "10.0.0.66")), "a known entry may still change");
        Assert.True(table.Upsert(Ws("urn:uuid:real", "10.0.0.7", "10.0.0.7")), "another sender is not affected");
    }

    [Fact]
    public void TheTableAsAWholeIsBoundedAndIPv4MappedSendersCountAsIPv4()
    {
        var table = new DiscoveryTable(maxEntries: 8, maxPerSender: 2);
        for (var i = 0; i < 20; i++) table.Upsert(Ws($"urn:uuid:{i}", $"10.0.1.{i + 1}", $"10.0.0.{i + 1}"));
        Assert.Equal(8, table.Count);
        Assert.Equal("table full (8 entries)", table.LastRefusal);
        var small = new DiscoveryTable(maxEntries: 8, maxPerSender: 1);
        small.Upsert(Ws("urn:uuid:a", "10.0.1.1", "10.0.0.9"));
        Assert.False(small.Upsert(Ws("urn:uuid:b", "10.0.1.2", "::ffff:10.0.0.9")));
    }

    [Fact]
    public void AByeCountsOnlyFromTheSenderOrTheDevicesOwnAddress()
    {
        var table = new DiscoveryTable();
        table.Upsert(Ws("urn:uuid:cam", "10.0.0.7", "10.0.0.7"));
        Assert.False(table.Remove(DiscoveredEndpoint.WsDiscoverySource, "urn:uuid:cam", IPAddress.Parse("10.0.0.66")));
        Assert.Equal(1, table.SpoofedRemovals);
        Assert.Equal(1, table.Count);
        Assert.True(table.Remove(DiscoveredEndpoint.WsDiscoverySource, "urn:uuid:cam", IPAddress.Parse("::ffff:10.0.0.7")));
        Assert.Equal(0, table.Count);
        Assert.False(table.Remove(DiscoveredEndpoint.WsDiscoverySource, "urn:uuid:unknown", IPAddress.Parse("10.0.0.66")));
        Assert.Equal(1, table.SpoofedRemovals);
    }
}
