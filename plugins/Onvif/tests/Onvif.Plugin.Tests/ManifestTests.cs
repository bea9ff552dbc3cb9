using System.Reflection;
using System.Text.Json;
using Appliance.Plugins.Onvif.Protocol.Xml;

namespace Appliance.Plugins.Onvif.Plugin.Tests;

public class ManifestTests
{
    private static JsonElement Manifest() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plugin.json"))).RootElement;

    [Fact]
    public void ManifestNamesThePluginAndItsEntryAssembly()
    {
        var m = Manifest();
        Assert.Equal("appliance.onvif", m.GetProperty("id").GetString());
        Assert.Equal("protocol", m.GetProperty("kind").GetString());
        Assert.Equal("1.1", m.GetProperty("hostApi").GetString()); // the facade verifies users (IUserVerifier)
        Assert.Equal(["appliance"], m.GetProperty("digestRealms").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(typeof(OnvifPlugin).Assembly.GetName().Name + ".dll", m.GetProperty("entryAssembly").GetString());
        // privileged-port: facade.port may be set to 80, where a VMS looks for an ONVIF device.
        Assert.Equal(["multicast", "privileged-port"], m.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public void ConfigDefaultsMatchTheSettingsDefaults()
    {
        var config = Manifest().GetProperty("config");
        var defaults = new Dictionary<string, object?>();
        foreach (var p in config.EnumerateObject()) defaults[p.Name] = p.Value.GetProperty("default").Clone();
        var settings = OnvifSettings.From(JsonSerializer.SerializeToElement(defaults));
        Assert.Equal(OnvifSettings.Default, settings);
        Assert.Equal(5, config.GetProperty("discovery.intervalSeconds").GetProperty("minimum").GetInt32());
        var facade = Appliance.Plugins.Onvif.Plugin.Facade.FacadeSettings.From(JsonSerializer.SerializeToElement(defaults));
        Assert.Equal(new Appliance.Plugins.Onvif.Plugin.Facade.FacadeSettings(true, 8000, null, 554, "Appliance", "", true), facade.Value);
    }

    [Fact]
    public void TheFacadeListenerIsDeclaredByItsConfigurationKey()
    {
        var network = Manifest().GetProperty("network").EnumerateArray().ToList();
        Assert.Contains(network, e => e.GetProperty("direction").GetString() == "in" && e.GetProperty("transport").GetString() == "tcp" &&
                                      e.GetProperty("port").GetInt32() == 8000 && e.GetProperty("configKey").GetString() == "facade.port");
        Assert.Contains(network, e => e.GetProperty("direction").GetString() == "in" && e.GetProperty("port").GetInt32() == 3702 &&
                                      e.GetProperty("zone").GetString() == "site");
    }

    [Fact]
    public void NetworkFootprintDeclaresDiscoveryPortsWithTheirGroups()
    {
        var network = Manifest().GetProperty("network").EnumerateArray().ToList();
        Assert.Contains(network, e => e.GetProperty("direction").GetString() == "in" && e.GetProperty("transport").GetString() == "udp" &&
                                      e.GetProperty("port").GetInt32() == 3702 && e.GetProperty("multicast").GetString() == "239.255.255.250" &&
                                      e.GetProperty("zone").GetString() == "cameras");
        Assert.Contains(network, e => e.GetProperty("direction").GetString() == "in" && e.GetProperty("port").GetInt32() == 5353 &&
                                      e.GetProperty("multicast").GetString() == "224.0.0.251");
        Assert.Contains(network, e => e.GetProperty("direction").GetString() == "out" && e.GetProperty("transport").GetString() == "tcp" && e.GetProperty("port").GetInt32() == 80);
        Assert.Contains(network, e => e.GetProperty("direction").GetString() == "out" && e.GetProperty("transport").GetString() == "tcp" && e.GetProperty("port").GetInt32() == 443);
    }

    [Fact]
    public void ProtocolLibraryReferencesNoHostProjectOnlyTheContract()
    {
        // The contract (Appliance.Abstractions) is allowed for the project's one Result<T>/Failure, as in the RTSP library.
        var references = typeof(SafeXml).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain(references, r => r.StartsWith("Appliance.", StringComparison.Ordinal) && r != "Appliance.Abstractions");
    }

    [Fact]
    public void SettingsReadFlatAndNestedKeys()
    {
        var flat = OnvifSettings.From(JsonDocument.Parse("""{"discovery.intervalSeconds": 60, "discovery.mdns": false}""").RootElement);
        Assert.Equal(TimeSpan.FromSeconds(60), flat.DiscoveryInterval);
        Assert.False(flat.Mdns);
        Assert.True(flat.WsDiscovery);
        var nested = OnvifSettings.From(JsonDocument.Parse("""{"discovery": {"wsDiscovery": false, "intervalSeconds": 1}, "events": {"pullPoint": false}}""").RootElement);
        Assert.False(nested.WsDiscovery);
        Assert.False(nested.PullPoint);
        Assert.Equal(TimeSpan.FromSeconds(5), nested.DiscoveryInterval);
        Assert.Equal(OnvifSettings.Default, OnvifSettings.From(JsonDocument.Parse("[]").RootElement));
    }
}
