using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Recording.Plugin.Tests;

/// <summary>The plugin's own plugin.json read as the host reads it.</summary>
public sealed class ManifestTests
{
    [Fact]
    public void The_manifest_is_valid_for_this_host_opens_no_port_and_its_defaults_resolve()
    {
        var manifest = PluginManifestFile.Load("appliance.recording");
        Assert.True(PluginManifestFile.OutboundOnly(manifest));
        var config = PluginManifestFile.Resolve(manifest, null);
        Assert.Equal("continuous", config.GetProperty("mode").GetString());
        Assert.Equal(10, config.GetProperty("segmentSeconds").GetInt32());
        Assert.Equal(168, config.GetProperty("retentionHours").GetDouble());
        // The host refuses what the schema rules out before the plugin sees it.
        Assert.Contains("mode", Assert.Throws<InvalidOperationException>(() => PluginManifestFile.Resolve(manifest, """{ "mode": "sometimes" }""")).Message, StringComparison.Ordinal);
        Assert.Contains("segmentSeconds", Assert.Throws<InvalidOperationException>(() => PluginManifestFile.Resolve(manifest, """{ "segmentSeconds": 0 }""")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_export_entry_names_the_configured_endpoint_and_port_and_is_absent_without_one()
    {
        var manifest = PluginManifestFile.Load("appliance.recording");
        var entry = Assert.Single(PluginManifestFile.Footprint(manifest, """{ "exportHost": "s3.site.example", "exportPort": 9443 }""").Value);
        Assert.Equal("s3.site.example", Appliance.Core.Manifest.ManifestFacade.Fqdn(entry.Entry));
        Assert.Equal(9443, Appliance.Core.Manifest.ManifestFacade.Range(entry.Entry.Port).Item1);
        Assert.Empty(PluginManifestFile.Footprint(manifest, null).Value);
    }
}
