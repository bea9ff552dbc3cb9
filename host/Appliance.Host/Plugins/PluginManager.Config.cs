using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Core.Manifest;

namespace Appliance.Host.Plugins;

/// <summary>A plugin's configuration read back (secrets masked) and changed one setting at a time.</summary>
public sealed partial class PluginManager
{
    /// <summary>The configuration in force: the stored section with the schema's defaults, secrets masked.</summary>
    public Result<PluginConfigView> ConfigView(string id)
    {
        if (_slots.Find(id) is not { } slot) return Result<PluginConfigView>.Fail(PluginRefusal.NotFound, $"plugin '{id}' is not installed");
        if (slot.Manifest is null) return Result<PluginConfigView>.Fail(PluginRefusal.RefusedCode, $"plugin '{id}' has no valid manifest");
        var stored = SectionInForce(id);
        if (!ManifestAdapter.ResolveConfig(slot.Manifest, stored).TryGetValue(out var resolved, out var invalid))
            return Result<PluginConfigView>.Fail(PluginRefusal.RefusedCode, $"the stored configuration of '{id}' no longer fits its schema: {string.Join("; ", invalid.Errors)}");
        var (masked, set) = PluginConfigJson.Mask(resolved, ManifestFacade.SecretKeys(slot.Manifest));
        return new PluginConfigView(id, masked, set);
    }

    /// <summary>The stored section, else the configuration file's (as the activator reads them).</summary>
    private JsonElement? SectionInForce(string id) =>
        _store.Get(id)?.Config ?? (_fileConfig.TryGetValue(id, out var fromFile) ? fromFile : null);

    /// <summary>Sets one setting (dotted key) in the stored section, validates the whole and restarts the plugin with it.</summary>
    public Task<Result<PluginStatus>> SetConfigValueAsync(string id, string key, JsonElement value, CancellationToken ct) => WithSlot(id, ct, slot =>
    {
        var merged = PluginConfigJson.SetAt(SectionInForce(id), key, value);
        return merged.TryGetValue(out var config, out var refused)
            ? ApplyConfigAsync(slot, id, config)
            : Task.FromResult(PluginRefusal.Refused(refused.Message));
    });
}
