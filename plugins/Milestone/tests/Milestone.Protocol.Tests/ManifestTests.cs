using System.Text.Json;
using Appliance.Core.Manifest;

namespace Appliance.Plugins.Milestone.Tests;

public sealed class ManifestTests
{
    private static PluginManifest Manifest()
    {
        var parsed = ManifestFacade.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plugin.json")));
        Assert.True(parsed.IsOk, parsed.IsOk ? "" : parsed.Failure!.Message);
        return parsed.Value;
    }

    [Fact]
    public void The_manifest_is_valid_for_this_host()
    {
        var manifest = Manifest();
        Assert.Equal("appliance.milestone", manifest.Id);
        Assert.All(manifest.Network, e => Assert.Equal(Direction.Outbound, e.Direction));
        Assert.Null(ManifestFacade.CheckHostApi(manifest, Appliance.Abstractions.HostApi.Major, Appliance.Abstractions.HostApi.Minor));
    }

    [Fact]
    public void The_analytics_entries_are_exactly_the_configured_event_servers()
    {
        var manifest = Manifest();
        var config = ManifestFacade.ResolveConfig(manifest, JsonDocument.Parse("""
            { "servers": [ { "name": "main", "host": "xprotect.site.example" },
                           { "name": "dr", "host": "10.20.0.5", "port": 9091, "generic": "tcp-international" } ] }
            """).RootElement);
        Assert.True(config.IsOk, config.IsOk ? "" : config.Failure!.Message);
        var footprint = ManifestFacade.CheckedFootprint(manifest, config.Value);
        Assert.True(footprint.IsOk, footprint.IsOk ? "" : footprint.Failure!.Message);
        var analytics = footprint.Value.Where(r => ManifestFacade.Fqdn(r.Entry) is not null)
            .Select(r => (ManifestFacade.Fqdn(r.Entry), ManifestFacade.Range(r.Entry.Port).Item1)).ToList();
        Assert.Equal([("xprotect.site.example", 9090), ("10.20.0.5", 9091)], analytics);

        // No server configured: no analytics entry at all (nothing configured, nothing opened).
        var none = ManifestFacade.CheckedFootprint(manifest, ManifestFacade.ResolveConfig(manifest, null).Value);
        Assert.DoesNotContain(none.Value, r => ManifestFacade.Fqdn(r.Entry) is not null || ManifestFacade.Range(r.Entry.Port).Item1 == 9090);
    }

    [Fact]
    public void A_server_whose_host_does_not_resolve_is_refused_with_its_path()
    {
        var manifest = Manifest();
        var config = ManifestFacade.ResolveConfig(manifest, JsonDocument.Parse("""{ "servers": [ { "name": "x", "host": "not a host" } ] }""").RootElement);
        var footprint = ManifestFacade.CheckedFootprint(manifest, config.Value);
        Assert.False(footprint.IsOk);
        Assert.Contains("config.servers[0].host", footprint.Failure!.Message);
    }
}
