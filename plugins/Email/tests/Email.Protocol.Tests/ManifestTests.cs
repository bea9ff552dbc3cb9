using Appliance.Core.Manifest;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Email.Tests;

public sealed class ManifestTests
{
    [Fact]
    public void The_manifest_is_valid_for_this_host() => Assert.True(PluginManifestFile.OutboundOnly(PluginManifestFile.Load("appliance.email")));
}

public sealed class FootprintTests
{
    [Fact]
    public void The_smtp_entry_names_the_configured_server_and_port_and_is_absent_without_one()
    {
        var manifest = PluginManifestFile.Load("appliance.email");
        var entry = Assert.Single(PluginManifestFile.Footprint(manifest, """{ "host": "smtp.site.example", "port": 465, "security": "tls" }""").Value);
        Assert.Equal("smtp.site.example", ManifestFacade.Fqdn(entry.Entry));
        Assert.Equal(465, ManifestFacade.Range(entry.Entry.Port).Item1);
        Assert.Empty(PluginManifestFile.Footprint(manifest, null).Value);
    }
}
