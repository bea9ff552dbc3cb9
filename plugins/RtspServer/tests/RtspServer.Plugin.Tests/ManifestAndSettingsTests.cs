using System.Text.Json;
using Appliance.Core.Manifest;

namespace Appliance.Plugins.RtspServer.Plugin.Tests;

/// <summary>The manifest as the host reads it (the F# core's parser) and the settings it defaults to.</summary>
public sealed class ManifestAndSettingsTests
{
    private static string ManifestText() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plugin.json"));

    [Fact]
    public void The_core_accepts_the_manifest_with_554_privileged_and_a_udp_range_apart_from_the_ingest()
    {
        var parsed = ManifestFacade.Parse(ManifestText());
        Assert.True(parsed.IsOk, parsed.IsOk ? "" : parsed.Failure!.Message);
        var json = JsonDocument.Parse(ManifestText()).RootElement;
        Assert.Equal(typeof(RtspServerPlugin).Assembly.GetName().Name + ".dll", json.GetProperty("entryAssembly").GetString());
        Assert.Contains("privileged-port", json.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
        Assert.Contains(RtspServerSettings.Realm, json.GetProperty("digestRealms").EnumerateArray().Select(c => c.GetString()));
        var udp = json.GetProperty("network").EnumerateArray().Single(n => n.GetProperty("direction").GetString() == "in" && n.GetProperty("transport").GetString() == "udp");
        var range = udp.GetProperty("port").GetString()!.Split('-').Select(int.Parse).ToArray();
        Assert.True(range[0] > 50999 || range[1] < 50000, "the server's UDP range overlaps the ingest's 50000-50999");
    }

    [Fact]
    public void Defaults_are_the_production_settings_and_bad_values_fail_with_a_reason()
    {
        var defaults = RtspServerSettings.From(JsonDocument.Parse("{}").RootElement);
        Assert.True(defaults.IsOk);
        Assert.Equal(554, defaults.Value.Port);
        Assert.True(defaults.Value.RequireAuthentication);
        Assert.Equal((51000, 51999), (defaults.Value.UdpFirstPort, defaults.Value.UdpLastPort));
        foreach (var bad in new[] { """{"port":70000}""", """{"udpPortRange":"51000"}""", """{"authentication":"basic"}""", """{"bindAddress":"not-an-ip"}""", "[]" })
        {
            var result = RtspServerSettings.From(JsonDocument.Parse(bad).RootElement);
            Assert.False(result.IsOk, bad);
            Assert.False(string.IsNullOrEmpty(result.Failure!.Message));
        }
    }
}
