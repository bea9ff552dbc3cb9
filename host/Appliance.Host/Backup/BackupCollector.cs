using System.Text.Json;
using Appliance.Core.Rules;
using Appliance.Host.Cameras;
using Appliance.Host.Plugins;
using Appliance.Host.Rules;

namespace Appliance.Host.Backup;

/// <summary>Reads what a backup holds from the stores (and what a restore is compared against).</summary>
public sealed class BackupCollector(PluginStateStore pluginStates, PluginManager plugins, RuleStore rules, CameraStore cameras)
{
    public BackupDocument Collect()
    {
        var stored = pluginStates.All().ToDictionary(p => p.Id, StringComparer.Ordinal);
        // Installed plugins the user never configured are kept with their defaults (config null), so a restore resets them.
        var pluginList = stored.Values.Select(p => new PluginBackup(p.Id, p.Enabled, p.Config))
            .Concat(plugins.List().Where(p => !stored.ContainsKey(p.Id)).Select(p => new PluginBackup(p.Id, p.Enabled, null)))
            .OrderBy(p => p.Id, StringComparer.Ordinal)
            .ToList();
        var ruleList = rules.Rules.Select(r => JsonDocument.Parse(RulesFacade.Serialize(r)).RootElement.Clone()).ToList();
        var sources = cameras.Views().ToDictionary(v => v.Id, v => v.Source);
        var cameraList = cameras.List()
            .Select(c => new CameraBackup(c.Id, c.Name, c.Enabled, c.StreamUri, c.OnvifUri, c.Username, c.Password, c.Overrides,
                sources.GetValueOrDefault(c.Id, "manual")))
            .OrderBy(c => c.Id, StringComparer.Ordinal)
            .ToList();
        return new BackupDocument(BackupLimits.FormatVersion, pluginList, ruleList, cameraList);
    }
}
