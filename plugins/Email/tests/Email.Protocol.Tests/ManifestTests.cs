namespace Appliance.Plugins.Email.Tests;

public sealed class ManifestTests
{
    [Fact]
    public void The_manifest_is_valid_for_this_host()
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plugin.json"));
        var parsed = Appliance.Core.Manifest.ManifestFacade.Parse(json);
        Assert.True(parsed.IsOk, parsed.IsOk ? "" : parsed.Failure!.Message);
        Assert.Equal("appliance.email", parsed.Value.Id);
        Assert.All(parsed.Value.Network, e => Assert.Equal(Appliance.Core.Manifest.Direction.Outbound, e.Direction));
        Assert.Null(Appliance.Core.Manifest.ManifestFacade.CheckHostApi(parsed.Value, Appliance.Abstractions.HostApi.Major, Appliance.Abstractions.HostApi.Minor));
    }
}

public sealed class FootprintTests
{
    [Fact]
    public void The_smtp_entry_names_the_configured_server_and_port_and_is_absent_without_one()
    {
        var manifest = Appliance.Core.Manifest.ManifestFacade.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plugin.json"))).Value;
        var config = Appliance.Core.Manifest.ManifestFacade.ResolveConfig(manifest,
            System.Text.Json.JsonDocument.Parse("""{ "host": "smtp.site.example", "port": 465, "security": "tls" }""").RootElement).Value;
        var entry = Assert.Single(Appliance.Core.Manifest.ManifestFacade.CheckedFootprint(manifest, config).Value);
        Assert.Equal("smtp.site.example", Appliance.Core.Manifest.ManifestFacade.Fqdn(entry.Entry));
        Assert.Equal(465, Appliance.Core.Manifest.ManifestFacade.Range(entry.Entry.Port).Item1);

        var off = Appliance.Core.Manifest.ManifestFacade.ResolveConfig(manifest, null).Value;
        Assert.Empty(Appliance.Core.Manifest.ManifestFacade.CheckedFootprint(manifest, off).Value);
    }
}
