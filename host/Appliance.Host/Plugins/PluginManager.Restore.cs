using System.Text.Json;

namespace Appliance.Host.Plugins;

public sealed partial class PluginManager
{
    /// <summary>
    /// What <see cref="SetConfigAsync"/> would refuse in <paramref name="config"/> for an installed plugin (schema and
    /// footprint), without storing or restarting anything; empty when it would be accepted or the plugin is not installed.
    /// </summary>
    public IReadOnlyList<string> ConfigErrors(string id, JsonElement? config)
    {
        if (_slots.Find(id) is not { Manifest: { } manifest }) return [];
        if (!ManifestAdapter.ResolveConfig(manifest, config).TryGetValue(out var resolved, out var invalid)) return invalid.Errors;
        return ManifestAdapter.CheckedFootprint(manifest, resolved).Failure?.Errors ?? [];
    }

    /// <summary>
    /// After the <c>plugins</c> table was replaced underneath (a restored backup): each named installed plugin is
    /// restarted with its stored configuration, or stopped if it is now disabled. Returns a line per plugin that failed.
    /// </summary>
    public async Task<IReadOnlyList<string>> ApplyStoredStateAsync(IEnumerable<string> ids, CancellationToken ct)
    {
        var problems = new List<string>();
        foreach (var id in ids.Where(id => _slots.Find(id) is not null))
        {
            var enabled = _store.Get(id)?.Enabled ?? true;
            var result = enabled ? await RestartAsync(id, ct) : await DisableAsync(id, ct);
            if (!result.TryGetValue(out var status, out var refused)) problems.Add($"plugin '{id}': {refused.Message}");
            else if (status.Error is { } failed) problems.Add($"plugin '{id}': {failed}");
        }
        return problems;
    }
}
