using Appliance.Core.Manifest;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Milestone.Tests;

public sealed class ManifestTests
{
    private static PluginManifest Manifest() => PluginManifestFile.Load("appliance.milestone");

    [Fact]
    public void The_manifest_is_valid_for_this_host() => Assert.True(PluginManifestFile.OutboundOnly(Manifest()));

    [Fact]
    public void The_analytics_entries_are_exactly_the_configured_event_servers()
    {
        var manifest = Manifest();
        var footprint = PluginManifestFile.Footprint(manifest, """
            { "servers": [ { "name": "main", "host": "xprotect.site.example" },
                           { "name": "dr", "host": "10.20.0.5", "port": 9091, "generic": "tcp-international" } ] }
            """);
        Assert.True(footprint.IsOk, footprint.ToString());
        var analytics = PluginManifestFile.Peers(footprint.Value).Where(p => p.Host is not null).ToList();
        Assert.Equal([("xprotect.site.example", 9090), ("10.20.0.5", 9091)], analytics);

        // No server configured: no analytics entry at all (nothing configured, nothing opened).
        var none = PluginManifestFile.Footprint(manifest, null);
        Assert.DoesNotContain(PluginManifestFile.Peers(none.Value), p => p.Host is not null || p.Port == 9090);
    }

    [Fact]
    public void A_server_whose_host_does_not_resolve_is_refused_with_its_path()
    {
        var footprint = PluginManifestFile.Footprint(Manifest(), """{ "servers": [ { "name": "x", "host": "not a host" } ] }""");
        Assert.False(footprint.IsOk);
        Assert.Contains(footprint.Failure!.Errors, e => e.Contains("config.servers[0].host", StringComparison.Ordinal));
    }
}
