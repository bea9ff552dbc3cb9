using System.Text.Json;
using System.Text.Json.Nodes;

namespace Appliance.Host.Plugins;

/// <summary>A plugin's configuration as <c>GET /api/v1/plugins/{id}/config</c> shows it: secrets never echoed.</summary>
/// <param name="Config">The configuration in force (defaults filled in); each secret setting's value is null.</param>
/// <param name="SecretsSet">The secret settings that hold a value.</param>
public sealed record PluginConfigView(string Id, JsonElement Config, IReadOnlyList<string> SecretsSet);

/// <summary>Dotted keys ("rtsp.port") over a plugin's configuration section, where they are nested objects.</summary>
public static class PluginConfigJson
{
    /// <summary>The section with the value at each of <paramref name="secretKeys"/> replaced by null, and which of them had one.</summary>
    public static (JsonElement Masked, IReadOnlyList<string> Set) Mask(JsonElement config, IEnumerable<string> secretKeys)
    {
        var root = JsonNode.Parse(config.GetRawText())?.AsObject() ?? [];
        var set = new List<string>();
        foreach (var key in secretKeys)
        {
            var segments = key.Split('.');
            var parent = Parent(root, segments, create: false);
            if (parent is null || !parent.ContainsKey(segments[^1])) continue;
            if (parent[segments[^1]] is not null) set.Add(key);
            parent[segments[^1]] = null;
        }
        return (JsonSerializer.SerializeToElement(root), set);
    }

    /// <summary>
    /// <paramref name="section"/> (null: none stored) with <paramref name="value"/> at the dotted <paramref name="key"/>,
    /// creating the objects on the way; a key with an empty segment, or a path through a value that is not an
    /// object, is refused (the schema check names unknown keys afterwards).
    /// </summary>
    public static Appliance.Abstractions.Result<JsonElement> SetAt(JsonElement? section, string key, JsonElement value)
    {
        var segments = key.Split('.');
        if (key.Length == 0 || segments.Any(s => s.Length == 0))
            return Appliance.Abstractions.Result<JsonElement>.Fail("invalid", $"'{key}' is not a setting key (dotted names such as rtsp.port)");
        var root = section is { ValueKind: JsonValueKind.Object } s ? JsonNode.Parse(s.GetRawText())!.AsObject() : [];
        var parent = Parent(root, segments, create: true);
        if (parent is null)
            return Appliance.Abstractions.Result<JsonElement>.Fail("invalid", $"'{key}': a part of it holds a value, not settings");
        parent[segments[^1]] = JsonNode.Parse(value.GetRawText());
        return JsonSerializer.SerializeToElement(root);
    }

    private static JsonObject? Parent(JsonObject root, string[] segments, bool create)
    {
        var node = root;
        foreach (var segment in segments[..^1])
        {
            if (node[segment] is JsonObject next) node = next;
            else if (create && !node.ContainsKey(segment))
            {
                next = [];
                node[segment] = next;
                node = next;
            }
            else return null;
        }
        return node;
    }
}
