using System.Text.Json;
using Appliance.Core.Manifest;

namespace Appliance.Plugins.Mqtt.Tests;

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
        Assert.Equal("appliance.mqtt", manifest.Id);
        Assert.All(manifest.Network, e => Assert.Equal(Direction.Outbound, e.Direction));
        Assert.Null(ManifestFacade.CheckHostApi(manifest, Appliance.Abstractions.HostApi.Major, Appliance.Abstractions.HostApi.Minor));
    }

    [Fact]
    public void The_footprint_is_exactly_the_configured_broker_and_port()
    {
        var manifest = Manifest();
        var config = ManifestFacade.ResolveConfig(manifest, JsonDocument.Parse("""{ "host": "mqtt.site.example", "port": 8883, "tls": true }""").RootElement);
        Assert.True(config.IsOk, config.IsOk ? "" : config.Failure!.Message);
        var footprint = ManifestFacade.CheckedFootprint(manifest, config.Value);
        Assert.True(footprint.IsOk, footprint.IsOk ? "" : footprint.Failure!.Message);
        var entry = Assert.Single(footprint.Value);
        Assert.Equal("mqtt.site.example", ManifestFacade.Fqdn(entry.Entry));
        Assert.Equal(8883, ManifestFacade.Range(entry.Entry.Port).Item1);
        Assert.Equal(8883, ManifestFacade.Range(entry.Entry.Port).Item2);
    }

    [Fact]
    public void Without_a_broker_the_footprint_is_empty()
    {
        var manifest = Manifest();
        var off = ManifestFacade.ResolveConfig(manifest, null);
        Assert.True(off.IsOk, off.IsOk ? "" : off.Failure!.Message);
        Assert.Empty(ManifestFacade.CheckedFootprint(manifest, off.Value).Value);
    }

    [Fact]
    public void The_password_is_a_secret()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plugin.json")));
        Assert.True(json.RootElement.GetProperty("config").GetProperty("password").GetProperty("secret").GetBoolean());
    }

    [Fact]
    public void A_broker_host_that_is_not_a_host_name_is_refused_with_its_key()
    {
        var manifest = Manifest();
        var config = ManifestFacade.ResolveConfig(manifest, JsonDocument.Parse("""{ "host": "not a host" }""").RootElement);
        var footprint = config.IsOk ? ManifestFacade.CheckedFootprint(manifest, config.Value) : default;
        var failure = config.IsOk ? footprint.Failure : config.Failure;
        Assert.NotNull(failure);
        Assert.Contains("host", failure!.Message);
    }
}
