using System.Text.Json;
using Appliance.Core.Manifest;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.NxWitness.Tests;

/// <summary>The manifest for this host, and its configuration-driven footprint (HostApi 1.1 targetsKey): exactly the configured servers.</summary>
public sealed class ManifestTests
{
    private static PluginManifest Manifest() => PluginManifestFile.Load("appliance.nxwitness");

    [Fact]
    public void The_manifest_is_valid_for_this_host()
    {
        var manifest = Manifest();
        Assert.True(PluginManifestFile.OutboundOnly(manifest));
        Assert.All(manifest.Network, e => Assert.True(ManifestFacade.PeerFromConfig(e)));
    }

    [Fact]
    public void The_footprint_lists_exactly_the_configured_servers()
    {
        const string section = """
            { "servers": [
                { "name": "nx-main", "host": "nx1.site.example", "username": "appliance", "password": "p1", "timeoutSeconds": 9 },
                { "name": "nx-annex", "host": "10.0.0.7", "port": 7443, "transport": "tcp", "username": "other", "password": "p2" } ] }
            """;
        var footprint = PluginManifestFile.Footprint(Manifest(), section);
        Assert.True(footprint.IsOk, footprint.ToString());
        var peers = footprint.Value.Select(r => $"{ManifestFacade.Fqdn(r.Entry)} {ManifestFacade.Range(r.Entry.Port)}").ToList();
        Assert.Equal(["nx1.site.example (7001, 7001)", "10.0.0.7 (7443, 7443)"], peers);
        Assert.All(footprint.Value, r => Assert.Equal("appliance.nxwitness", r.Owner));
        Assert.All(footprint.Value, r => Assert.Equal("site", r.Entry.Zone));
        var servers = NxServers.Parse(JsonDocument.Parse(section).RootElement.GetProperty("servers"));
        Assert.Equal(["nx-main", "nx-annex"], servers.Value.Select(s => s.Name));
    }

    [Fact]
    public void No_configured_server_means_no_outbound_entry()
    {
        var footprint = PluginManifestFile.Footprint(Manifest(), "{}");
        Assert.True(footprint.IsOk);
        Assert.Empty(footprint.Value);
    }

    [Fact]
    public void A_server_the_footprint_cannot_resolve_is_refused_with_its_path()
    {
        var footprint = PluginManifestFile.Footprint(Manifest(), """{ "servers": [ { "name": "a", "host": "nx1" }, { "name": "b", "host": "not a host!", "port": 70000, "username": "u" } ] }""");
        Assert.False(footprint.IsOk);
        Assert.Contains("servers[1]", footprint.Failure!.Message);
    }
}
