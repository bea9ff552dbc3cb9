using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Core.Manifest;
using Appliance.Core.Network;

namespace Appliance.Testing.Plugins;

/// <summary>
/// A plugin's own <c>plugin.json</c> (copied next to the test assembly) read the way the host reads it, through the
/// core's façade: parsed, for this host's API, its configuration resolved (defaults applied) and its footprint. A
/// refusal fails the test with every error the core names.
/// </summary>
public static class PluginManifestFile
{
    /// <summary>The manifest, checked as the host checks it before loading: valid, with <paramref name="expectedId"/>, for this host's API.</summary>
    public static PluginManifest Load(string expectedId)
    {
        var parsed = ManifestFacade.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plugin.json")));
        if (!parsed.TryGetValue(out var manifest, out var invalid))
            throw new InvalidOperationException("plugin.json is not valid: " + string.Join("; ", invalid.Errors));
        if (manifest.Id != expectedId)
            throw new InvalidOperationException($"plugin.json names '{manifest.Id}', not '{expectedId}'");
        if (ManifestFacade.CheckHostApi(manifest, HostApi.Major, HostApi.Minor) is { } refused)
            throw new InvalidOperationException("plugin.json is not for this host: " + refused);
        return manifest;
    }

    /// <summary>Whether every network entry of the manifest is outbound (an integration opens no port).</summary>
    public static bool OutboundOnly(PluginManifest manifest) => manifest.Network.All(e => e.Direction == Direction.Outbound);

    /// <summary>The configuration section (JSON text; null for none) as the plugin receives it, the manifest's defaults applied.</summary>
    public static JsonElement Resolve(PluginManifest manifest, string? section)
    {
        JsonElement? element = section is null ? null : JsonDocument.Parse(section).RootElement.Clone();
        var resolved = ManifestFacade.ResolveConfig(manifest, element);
        if (!resolved.TryGetValue(out var config, out var invalid))
            throw new InvalidOperationException("the configuration is refused: " + string.Join("; ", invalid.Errors));
        return config;
    }

    /// <summary>The footprint of a configuration section (resolved first): the entries, or every value that does not resolve with its path.</summary>
    public static Result<ResolvedEntry[]> Footprint(PluginManifest manifest, string? section) =>
        ManifestFacade.CheckedFootprint(manifest, Resolve(manifest, section));

    /// <summary>The footprint's peers as (host name or address, first port), in the manifest's order.</summary>
    public static IReadOnlyList<(string? Host, int Port)> Peers(IEnumerable<ResolvedEntry> entries) =>
        entries.Select(r => (ManifestFacade.Fqdn(r.Entry), ManifestFacade.Range(r.Entry.Port).Item1)).ToList();
}
