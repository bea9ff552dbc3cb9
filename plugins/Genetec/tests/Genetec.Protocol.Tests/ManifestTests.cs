using System.Text.Json;
using Appliance.Core.Manifest;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Genetec.Tests;

/// <summary>The manifest is valid for this host, and its footprint (HostApi 1.1 targetsKey) is exactly the configured servers.</summary>
public sealed class ManifestTests
{
    private static PluginManifest Manifest() => PluginManifestFile.Load("appliance.genetec");

    private static JsonElement Resolved(string config) => PluginManifestFile.Resolve(Manifest(), config);

    private static Appliance.Abstractions.Result<Appliance.Core.Network.ResolvedEntry[]> Footprint(string config) =>
        PluginManifestFile.Footprint(Manifest(), config);

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
        // Each item carries the plugin's own fields (name, login, trust) beside host and port: the footprint takes
        // the host and port of every item and nothing else.
        const string config = """
            {"servers": [
              {"name": "main", "host": "sc1.site.example", "port": 4590, "username": "appliance", "password": "p",
               "applicationId": "KxsD", "certificateSha256": "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99",
               "timeoutSeconds": 10, "baseUri": "WebSdk"},
              {"name": "backup", "host": "10.20.0.5", "port": 4443, "username": "appliance", "password": "", "applicationId": "KxsD", "timeoutSeconds": 3}]}
            """;
        var footprint = Footprint(config);
        Assert.True(footprint.IsOk, footprint.ToString());
        Assert.Equal(2, footprint.Value.Length);
        var peers = PluginManifestFile.Peers(footprint.Value).OrderBy(p => p.Host).ToList();
        Assert.Equal([("10.20.0.5", 4443), ("sc1.site.example", 4590)], peers);
        Assert.All(footprint.Value, r => Assert.Equal("appliance.genetec", r.Owner));
        Assert.All(footprint.Value, r => Assert.Equal("site", r.Entry.Zone));
        // The items keep their own fields through the host's configuration, and the plugin talks to exactly these.
        var servers = GenetecServers.Parse(Resolved(config).GetProperty("servers"));
        Assert.True(servers.IsOk, servers.ToString());
        Assert.Equal([("main", "sc1.site.example", 4590, "appliance"), ("backup", "10.20.0.5", 4443, "appliance")],
            servers.Value.Select(s => (s.Name, s.Endpoint.Host, s.Endpoint.Port, s.Credentials.Username)));
        Assert.Equal(peers, servers.Value.Select(s => ((string?)s.Endpoint.Host, s.Endpoint.Port)).OrderBy(p => p.Item1).ToList());
        Assert.NotNull(servers.Value[0].Pin);
    }

    [Fact]
    public void No_server_configured_opens_nothing_and_a_bad_target_is_refused_with_its_path()
    {
        var none = Footprint("{}");
        Assert.True(none.IsOk);
        Assert.Empty(none.Value);
        var bad = Footprint("""{"servers": [{"name": "main", "host": "not a host", "port": 70000, "username": "appliance", "password": "p", "applicationId": "KxsD"}]}""");
        Assert.False(bad.IsOk);
        Assert.Contains("config.servers[0].host", bad.Failure!.Message);
        Assert.Contains("config.servers[0].port", bad.Failure.Message);
    }
}
