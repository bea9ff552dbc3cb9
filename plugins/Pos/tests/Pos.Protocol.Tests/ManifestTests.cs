using Appliance.Core.Manifest;

namespace Appliance.Plugins.Pos.Tests;

public sealed class ManifestTests
{
    [Fact]
    public void The_inbound_range_follows_the_configuration()
    {
        var footprint = PluginManifestFile.Footprint(PluginManifestFile.Load("appliance.pos"), """{ "portRange": "47000-47009" }""");
        Assert.True(footprint.IsOk, footprint.ToString());
        var inbound = Assert.Single(footprint.Value, e => e.Entry.Direction == Direction.Inbound);
        Assert.Equal((47000, 47009), ManifestFacade.Range(inbound.Entry.Port));
    }
}
