using System.Text.Json;
using Appliance.Plugins.Rtsp.Protocol.Client;
using Xunit;

namespace Appliance.Plugins.Rtsp.Plugin.Tests;

public sealed class ManifestAndSettingsTests
{
    private static string PluginOutput()
    {
        // The plugin's own build output: .../plugins/Rtsp/src/Rtsp.Plugin/bin/<Configuration>/net10.0/
        var testOut = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var configuration = testOut.Parent!.Name;
        return Path.GetFullPath(Path.Combine(testOut.FullName, "../../../../../src/Rtsp.Plugin/bin", configuration, testOut.Name));
    }

    private static JsonElement Manifest() => JsonDocument.Parse(File.ReadAllText(Path.Combine(PluginOutput(), "plugin.json"))).RootElement;

    [Fact]
    public void TheHostAcceptsTheManifestWithItsProbeRoute()
    {
        // Read and checked as the host reads it (limits such as a route purpose's 200 characters included).
        var manifest = PluginManifestFile.Load("appliance.rtsp");
        Assert.Equal("probe", Assert.Single(manifest.Surface.Routes).Path);
    }

    [Fact]
    public void ManifestNamesThisAssemblyAndDeclaresItsFootprint()
    {
        var m = Manifest();
        Assert.Equal("appliance.rtsp", m.GetProperty("id").GetString());
        Assert.Equal("protocol", m.GetProperty("kind").GetString());
        // 1.1 for the probe route (the host's camera Add and Test call it).
        Assert.Equal("1.1", m.GetProperty("hostApi").GetString());
        var probe = m.GetProperty("routes").EnumerateArray().Single();
        Assert.Equal(("probe", "admin"), (probe.GetProperty("path").GetString(), probe.GetProperty("access").GetString()));
        Assert.Equal(typeof(RtspPlugin).Assembly.GetName().Name + ".dll", m.GetProperty("entryAssembly").GetString());
        Assert.True(File.Exists(Path.Combine(PluginOutput(), m.GetProperty("entryAssembly").GetString()!)));
        // The host shares Abstractions; a private copy would break casts across load contexts.
        Assert.False(File.Exists(Path.Combine(PluginOutput(), "Appliance.Abstractions.dll")));

        var config = m.GetProperty("config");
        var network = m.GetProperty("network").EnumerateArray().ToList();
        var rtsp = network.Single(n => n.GetProperty("transport").GetString() == "tcp");
        Assert.Equal(("out", 554, "cameras", true), (rtsp.GetProperty("direction").GetString(), rtsp.GetProperty("port").GetInt32(), rtsp.GetProperty("zone").GetString(), rtsp.GetProperty("required").GetBoolean()));
        var rtp = network.Single(n => n.GetProperty("direction").GetString() == "in");
        Assert.Equal("udp", rtp.GetProperty("transport").GetString());
        // The declared inbound range and the default of udpPortRange agree.
        Assert.Equal(config.GetProperty("udpPortRange").GetProperty("default").GetString(), rtp.GetProperty("port").GetString());
        foreach (var entry in network)
            if (entry.TryGetProperty("configKey", out var key)) Assert.True(config.TryGetProperty(key.GetString()!, out _), $"configKey {key} names a setting");
        foreach (var setting in config.EnumerateObject())
        {
            Assert.True(setting.Value.TryGetProperty("type", out _), setting.Name);
            Assert.True(setting.Value.TryGetProperty("description", out _), setting.Name);
        }
    }

    [Fact]
    public void ManifestDefaultsAreValidSettings()
    {
        var defaults = new Dictionary<string, object?>();
        foreach (var setting in Manifest().GetProperty("config").EnumerateObject())
        {
            var parts = setting.Name.Split('.');
            var target = defaults;
            foreach (var part in parts[..^1])
            {
                if (!target.TryGetValue(part, out var child)) target[part] = child = new Dictionary<string, object?>();
                target = (Dictionary<string, object?>)child!;
            }
            target[parts[^1]] = setting.Value.GetProperty("default");
        }
        var settings = RtspPluginSettings.From(JsonSerializer.SerializeToElement(defaults));
        Assert.Null(settings.Failure);
        Assert.Equal(new RtspPluginSettings(), settings.Value);
    }

    [Fact]
    public void SettingsReadNestedAndDottedKeys()
    {
        var nested = RtspPluginSettings.From(JsonDocument.Parse("""{"defaultTransport":"udp","reconnect":{"initialSeconds":0.5,"maxSeconds":8},"udpPortRange":"52000-52099"}""").RootElement).Value;
        Assert.Equal(RtspTransportMode.Udp, nested.DefaultTransport);
        Assert.Equal(TimeSpan.FromSeconds(0.5), nested.ReconnectInitial);
        Assert.Equal(TimeSpan.FromSeconds(8), nested.ReconnectMax);
        Assert.Equal((52000, 52099), (nested.UdpFirstPort, nested.UdpLastPort));
        var dotted = RtspPluginSettings.From(JsonDocument.Parse("""{"reconnect.maxSeconds":9}""").RootElement).Value;
        Assert.Equal(TimeSpan.FromSeconds(9), dotted.ReconnectMax);
    }

    [Theory]
    [InlineData("""{"defaultTransport":"sctp"}""", "defaultTransport 'sctp' is not auto, tcp or udp")]
    [InlineData("""{"udpPortRange":"50000"}""", "udpPortRange '50000' is not")]
    [InlineData("""{"udpPortRange":"80-90"}""", "udpPortRange '80-90' is not")]
    [InlineData("""{"udpPortRange":"60000-50000"}""", "is not 'first-last'")]
    [InlineData("""{"reconnect":{"initialSeconds":10,"maxSeconds":2}}""", "reconnect.maxSeconds is below")]
    [InlineData("""[1]""", "configuration is not an object")]
    public void BadSettingsAreRefusedWithAReason(string json, string error) =>
        Assert.Contains(error, RtspPluginSettings.From(JsonDocument.Parse(json).RootElement).Failure?.Message);

    [Fact]
    public async Task BadConfigurationFailsStartWithTheReason()
    {
        var context = new PluginContextDouble("""{"defaultTransport":"sctp"}""", pluginId: "appliance.rtsp");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => new RtspPlugin().StartAsync(context, CancellationToken.None));
        Assert.Contains("defaultTransport 'sctp'", e.Message);
        await context.DisposeAsync();
    }

    [Fact]
    public void BackoffDoublesUpToTheCapWithJitterAndResets()
    {
        var low = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), () => 0);
        var high = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), () => 1);
        var lows = Enumerable.Range(0, 6).Select(_ => low.Next().TotalSeconds).ToList();
        var highs = Enumerable.Range(0, 6).Select(_ => high.Next().TotalSeconds).ToList();
        Assert.Equal([0.5, 1, 2, 4, 5, 5], lows);
        Assert.Equal([1, 2, 4, 8, 10, 10], highs);
        high.Reset();
        Assert.Equal(1, high.Next().TotalSeconds);
        var random = new Random(9);
        var jittered = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), random.NextDouble);
        for (var i = 0; i < 50; i++) Assert.InRange(jittered.Next().TotalSeconds, 0.5, 30);
    }
}
