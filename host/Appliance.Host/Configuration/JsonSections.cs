using System.Text.Json;

namespace Appliance.Host.Configuration;

/// <summary>
/// The parts of the configuration file that are JSON documents of their own (plugin configuration sections,
/// firewall zones). The configuration binder cannot fill a <see cref="JsonElement"/>, and flattening them to
/// strings would lose their types, so they are read from the file as JSON.
/// </summary>
public static class JsonSections
{
    public static void Apply(string configPath, ApplianceOptions options)
    {
        if (!File.Exists(configPath)) return;
        using var document = JsonDocument.Parse(File.ReadAllText(configPath), new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            MaxDepth = 64,
        });
        if (!TryGet(document.RootElement, out var appliance, "appliance")) return;
        options.PluginConfig = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (TryGet(appliance, out var plugins, "pluginConfig") && plugins.ValueKind == JsonValueKind.Object)
            foreach (var plugin in plugins.EnumerateObject())
                options.PluginConfig[plugin.Name] = plugin.Value.Clone();
        options.Network.Firewall.Zones = TryGet(appliance, out var zones, "network", "firewall", "zones") ? zones.Clone() : null;
    }

    private static bool TryGet(JsonElement element, out JsonElement found, params string[] path)
    {
        found = element;
        foreach (var name in path)
        {
            if (found.ValueKind != JsonValueKind.Object) return false;
            var match = found.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (match.Value.ValueKind == JsonValueKind.Undefined) return false;
            found = match.Value;
        }
        return true;
    }
}
