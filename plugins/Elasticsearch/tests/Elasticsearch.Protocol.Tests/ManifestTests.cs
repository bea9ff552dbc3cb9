using Appliance.Core.Manifest;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Elasticsearch.Tests;

public sealed class ManifestTests
{
    [Fact]
    public void The_manifest_is_valid_for_this_host() => Assert.True(PluginManifestFile.OutboundOnly(PluginManifestFile.Load("appliance.elasticsearch")));

    [Fact]
    public void The_cluster_entry_names_the_configured_host_and_port_and_is_absent_without_one()
    {
        var manifest = PluginManifestFile.Load("appliance.elasticsearch");
        var entry = Assert.Single(PluginManifestFile.Footprint(manifest, """{ "host": "es.site.example", "port": 443 }""").Value);
        Assert.Equal("es.site.example", ManifestFacade.Fqdn(entry.Entry));
        Assert.Equal(443, ManifestFacade.Range(entry.Entry.Port).Item1);
        Assert.Empty(PluginManifestFile.Footprint(manifest, null).Value);
    }
}
