using Appliance.Core.Manifest;

namespace Appliance.Plugins.Dmp.Tests;

public sealed class ManifestTests
{
    private static PluginManifest Manifest() => PluginManifestFile.Load("appliance.dmp");

    [Fact]
    public void The_receiver_port_follows_the_configuration()
    {
        var footprint = PluginManifestFile.Footprint(Manifest(), """{ "port": 3001 }""");
        Assert.True(footprint.IsOk, footprint.ToString());
        var entry = Assert.Single(footprint.Value);
        Assert.Equal(Direction.Inbound, entry.Entry.Direction);
        Assert.Equal((3001, 3001), ManifestFacade.Range(entry.Entry.Port));
    }

    [Fact]
    public void By_default_the_receiver_listens_on_2001()
    {
        var entry = Assert.Single(PluginManifestFile.Footprint(Manifest(), null).Value);
        Assert.Equal((2001, 2001), ManifestFacade.Range(entry.Entry.Port));
    }
}
