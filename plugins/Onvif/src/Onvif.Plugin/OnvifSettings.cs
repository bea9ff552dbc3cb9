using System.Text.Json;

namespace Appliance.Plugins.Onvif.Plugin;

/// <summary>The plugin's configuration (see plugin.json). Keys may come flat (<c>"discovery.mdns"</c>) or nested (<c>{"discovery":{"mdns":…}}</c>).</summary>
public sealed record OnvifSettings(TimeSpan DiscoveryInterval, bool WsDiscovery, bool Mdns, bool PullPoint)
{
    public static readonly OnvifSettings Default = new(TimeSpan.FromSeconds(300), true, true, true);

    public static OnvifSettings From(JsonElement config)
    {
        var interval = ConfigReader.Read(config, "discovery.intervalSeconds", ConfigReader.Int) ?? 300;
        return new OnvifSettings(
            TimeSpan.FromSeconds(Math.Clamp(interval, 5, 86400)),
            ConfigReader.Read(config, "discovery.wsDiscovery", ConfigReader.Bool) ?? true,
            ConfigReader.Read(config, "discovery.mdns", ConfigReader.Bool) ?? true,
            ConfigReader.Read(config, "events.pullPoint", ConfigReader.Bool) ?? true);
    }
}

/// <summary>Reads a configuration key given flat (<c>"a.b"</c>) or nested (<c>{"a":{"b":…}}</c>).</summary>
internal static class ConfigReader
{
    public static int? Int(JsonElement e) => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var v) ? v : null;

    public static bool? Bool(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    public static T? Read<T>(JsonElement config, string dottedKey, Func<JsonElement, T?> read)
    {
        if (config.ValueKind != JsonValueKind.Object) return default;
        if (config.TryGetProperty(dottedKey, out var flat)) return read(flat);
        var current = config;
        foreach (var part in dottedKey.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current)) return default;
        }
        return read(current);
    }
}
