using System.Text.Json;
using Appliance.Core.Manifest;
using Appliance.Testing.Plugins;

namespace Appliance.Plugins.Mqtt.Tests;

public sealed class ManifestTests
{
    private static PluginManifest Manifest() => PluginManifestFile.Load("appliance.mqtt");

    [Fact]
    public void The_manifest_is_valid_for_this_host() => Assert.True(PluginManifestFile.OutboundOnly(Manifest()));

    [Fact]
    public void The_footprint_is_exactly_the_configured_broker_and_port()
    {
        var footprint = PluginManifestFile.Footprint(Manifest(), """{ "host": "mqtt.site.example", "port": 8883, "tls": true }""");
        Assert.True(footprint.IsOk, footprint.ToString());
        var entry = Assert.Single(footprint.Value);
        Assert.Equal("mqtt.site.example", ManifestFacade.Fqdn(entry.Entry));
        Assert.Equal((8883, 8883), ManifestFacade.Range(entry.Entry.Port));
    }

    [Fact]
    public void Without_a_broker_the_footprint_is_empty() => Assert.Empty(PluginManifestFile.Footprint(Manifest(), null).Value);

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
        var failure = config.IsOk ? ManifestFacade.CheckedFootprint(manifest, config.Value).Failure : config.Failure;
        Assert.NotNull(failure);
        Assert.Contains("host", failure.Message);
    }
}
