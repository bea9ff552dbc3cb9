using System.Text.Json;
using Appliance.Core.Manifest;

namespace Appliance.Plugins.Genetec.Tests;

/// <summary>The manifest is valid for this host, and its footprint (HostApi 1.1 targetsKey) is exactly the configured servers.</summary>
public sealed class ManifestTests
{
    private static PluginManifest Manifest()
    {
        var parsed = ManifestFacade.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plugin.json")));
        Assert.True(parsed.IsOk, parsed.IsOk ? "" : parsed.Failure!.Message);
        return parsed.Value;
    }

    private static Appliance.Abstractions.Result<Appliance.Core.Network.ResolvedEntry[]> Footprint(string config)
    {
        using var doc = JsonDocument.Parse(config);
        var resolved = ManifestFacade.ResolveConfig(Manifest(), doc.RootElement.Clone());
        Assert.True(resolved.IsOk, resolved.ToString());
        return ManifestFacade.CheckedFootprint(Manifest(), resolved.Value);
    }

    [Fact]
    public void The_manifest_is_valid_for_this_host()
    {
        var manifest = Manifest();
        Assert.Equal("appliance.genetec", manifest.Id);
        Assert.All(manifest.Network, e => Assert.Equal(Direction.Outbound, e.Direction));
        Assert.All(manifest.Network, e => Assert.True(ManifestFacade.PeerFromConfig(e)));
        Assert.Null(ManifestFacade.CheckHostApi(manifest, Appliance.Abstractions.HostApi.Major, Appliance.Abstractions.HostApi.Minor));
    }

    [Fact]
    public void The_footprint_lists_exactly_the_configured_servers()
    {
        var footprint = Footprint("""{"servers": [{"host": "sc1.site.example", "port": 4590}, {"host": "10.20.0.5", "port": 4443}]}""");
        Assert.True(footprint.IsOk, footprint.ToString());
        var peers = footprint.Value.Select(r => (ManifestFacade.Fqdn(r.Entry), ManifestFacade.Range(r.Entry.Port).Item1)).OrderBy(p => p.Item1).ToList();
        Assert.Equal([("10.20.0.5", 4443), ("sc1.site.example", 4590)], peers);
        Assert.All(footprint.Value, r => Assert.Equal("appliance.genetec", r.Owner));
        Assert.All(footprint.Value, r => Assert.Equal("site", r.Entry.Zone));
    }

    [Fact]
    public void No_server_configured_opens_nothing_and_a_bad_target_is_refused_with_its_path()
    {
        var none = Footprint("{}");
        Assert.True(none.IsOk);
        Assert.Empty(none.Value);
        var bad = Footprint("""{"servers": [{"host": "not a host", "port": 70000}]}""");
        Assert.False(bad.IsOk);
        Assert.Contains("config.servers[0].host", bad.Failure!.Message);
        Assert.Contains("config.servers[0].port", bad.Failure.Message);
    }
}
