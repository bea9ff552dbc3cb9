using Appliance.Core.Manifest;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Sms.Tests;

public sealed class ManifestTests
{
    [Fact]
    public void The_manifest_is_valid_for_this_host() => Assert.True(PluginManifestFile.OutboundOnly(PluginManifestFile.Load("appliance.sms")));

    [Fact]
    public void The_gateway_entry_names_the_configured_host_and_port_and_is_absent_without_one()
    {
        var manifest = PluginManifestFile.Load("appliance.sms");
        var entry = Assert.Single(PluginManifestFile.Footprint(manifest, """{ "host": "api.twilio.com", "port": 8443 }""").Value);
        Assert.Equal("api.twilio.com", ManifestFacade.Fqdn(entry.Entry));
        Assert.Equal(8443, ManifestFacade.Range(entry.Entry.Port).Item1);
        Assert.Empty(PluginManifestFile.Footprint(manifest, null).Value);
    }
}
