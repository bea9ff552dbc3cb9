using System.Text.Json;
using Appliance.Core.Manifest;
using Appliance.Host.Plugins;

namespace Appliance.Host.FirstRun;

/// <summary>One discovery switch of a running plugin: its setting, whether it is on, and what it sends when on.</summary>
public sealed record DiscoverySwitch(string PluginId, string PluginName, string Key, bool On, IReadOnlyList<string> Sends);

/// <summary>
/// The discovery switches of the running plugins, found from their manifests: a boolean setting under
/// <c>discovery.</c> that is the <c>whenKey</c> of network entries. What each sends is read from those outbound
/// entries (transport, port, multicast group, purpose), so the wizard says exactly what goes on the wire.
/// </summary>
public sealed class DiscoverySwitches(PluginManager plugins)
{
    public IReadOnlyList<DiscoverySwitch> List()
    {
        var switches = new List<DiscoverySwitch>();
        var names = plugins.List().ToDictionary(p => p.Id, p => p.Name);
        foreach (var group in plugins.DeclaredFootprint()
                     .Where(e => e.Entry.WhenKey is { } k && k.Value.StartsWith("discovery.", StringComparison.Ordinal))
                     .GroupBy(e => (e.Owner, Key: e.Entry.WhenKey!.Value)))
        {
            if (!plugins.ConfigView(group.Key.Owner).TryGetValue(out var view, out _)) continue;
            var on = ConfigSchema.tryGet(view.Config, group.Key.Key) is { Value.ValueKind: JsonValueKind.True };
            var sends = group.Where(e => e.Entry.Direction.IsOutbound).Select(Describe).Distinct().ToList();
            switches.Add(new DiscoverySwitch(group.Key.Owner, names.GetValueOrDefault(group.Key.Owner, group.Key.Owner), group.Key.Key, on, sends));
        }
        return switches.OrderBy(s => s.PluginId, StringComparer.Ordinal).ThenBy(s => s.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>Turns one switch on or off (the plugin restarts with it).</summary>
    public Task<Appliance.Abstractions.Result<PluginStatus>> SetAsync(string pluginId, string key, bool on, CancellationToken ct) =>
        List().Any(s => s.PluginId == pluginId && s.Key == key)
            ? plugins.SetConfigValueAsync(pluginId, key, JsonSerializer.SerializeToElement(on), ct)
            : Task.FromResult(Appliance.Abstractions.Result<PluginStatus>.Fail("not-found", $"{pluginId} has no discovery switch '{key}'"));

    private static string Describe(Appliance.Core.Network.ResolvedEntry e)
    {
        var transport = e.Entry.Transport.IsTcp ? "TCP" : "UDP";
        var (first, last) = ManifestFacade.Range(e.Entry.Port);
        var port = first == last ? $"{first}" : $"{first}-{last}";
        var to = e.Entry.Multicast is { } group ? $"to multicast group {group.Value}" : $"to the {e.Entry.Zone} network";
        return $"{transport} {port} {to}: {e.Entry.Purpose}";
    }
}
