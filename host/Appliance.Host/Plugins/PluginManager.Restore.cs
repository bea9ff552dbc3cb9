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
        var resolution = ManifestAdapter.ResolveConfig(manifest, config);
        if (resolution.Errors.Count > 0) return resolution.Errors.ToList();
        return ManifestAdapter.CheckedFootprint(manifest, resolution.Config).Errors.ToList();
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
            if (result.Error is { } error) problems.Add($"plugin '{id}': {error}");
            else if (result.Status is { Error: { } failed }) problems.Add($"plugin '{id}': {failed}");
        }
        return problems;
    }
}
