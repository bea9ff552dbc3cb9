using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Abstractions;
using Appliance.Core.Rules;
using Appliance.Host.Cameras;
using Appliance.Host.Plugins;
using Appliance.Host.Rules;

namespace Appliance.Host.Backup;

/// <summary>One difference a restore makes: section, what it is, added / changed / removed, and which fields (never values).</summary>
public sealed record BackupChange(string Section, string Id, string Name, string Change, IReadOnlyList<string> Fields);

/// <summary>
/// A backup checked completely against this device: every rule, camera and plugin configuration valid, and the
/// differences to what is stored now. Only a plan without errors is applied, so a restore is all or nothing.
/// </summary>
public sealed record RestorePlan(
    BackupDocument Document,
    IReadOnlyList<string> Rules,
    IReadOnlyList<BackupChange> Changes,
    IReadOnlyList<string> Warnings)
{
    public static Result<RestorePlan> Make(BackupDocument backup, BackupDocument current, RuleStore rules, PluginManager plugins)
    {
        var errors = new List<string>();
        var ruleTexts = CheckRules(backup, rules, errors);
        CheckCameras(backup, errors);
        foreach (var p in backup.Plugins)
        {
            if (string.IsNullOrWhiteSpace(p.Id)) errors.Add("plugins: an entry has no id");
            else foreach (var e in plugins.ConfigErrors(p.Id, p.Config)) errors.Add($"plugins.{p.Id}: {e}");
        }
        foreach (var dup in backup.Plugins.GroupBy(p => p.Id).Where(g => g.Count() > 1)) errors.Add($"plugins: '{dup.Key}' appears more than once");
        if (errors.Count > 0) return new Failure("invalid", "the backup cannot be restored here: " + string.Join("; ", errors));

        var warnings = backup.Plugins.Where(p => plugins.Get(p.Id) is null)
            .Select(p => $"plugin '{p.Id}' is not installed here: its configuration is stored and used when it is installed")
            .ToList();
        var changes = new List<BackupChange>();
        changes.AddRange(Diff("plugins", current.Plugins, backup.Plugins, p => p.Id, p => p.Id, PluginFields, removable: false));
        var normalizedRules = ruleTexts.Select(t => JsonDocument.Parse(t).RootElement.Clone()).ToList();
        changes.AddRange(Diff("rules", current.Rules, normalizedRules, RuleId, RuleName, JsonFields, removable: true));
        changes.AddRange(Diff("cameras", current.Cameras, backup.Cameras, c => c.Id, c => c.Name, CameraFields, removable: true));
        return new RestorePlan(backup, ruleTexts, changes, warnings);
    }

    private static List<string> CheckRules(BackupDocument backup, RuleStore store, List<string> errors)
    {
        var accepted = new List<Rule>();
        var texts = new List<string>();
        foreach (var (json, index) in backup.Rules.Select((r, i) => (r, i)))
        {
            var check = RulesFacade.Check(store.Catalog, accepted, json.GetRawText());
            if (!check.IsValid)
            {
                errors.AddRange(check.Errors.Select(e => $"rules[{index}].{e.Path}: {e.Message}"));
                continue;
            }
            if (accepted.Any(r => r.Id == check.Valid.Id)) errors.Add($"rules[{index}].id: \"{check.Valid.Id}\" appears more than once");
            accepted.Add(check.Valid);
            texts.Add(RulesFacade.Serialize(check.Valid));
        }
        if (accepted.Count > RuleLimits.maxRules) errors.Add($"rules: {accepted.Count} rules; the limit is {RuleLimits.maxRules}");
        return texts;
    }

    private static void CheckCameras(BackupDocument backup, List<string> errors)
    {
        foreach (var (c, index) in backup.Cameras.Select((c, i) => (c, i)))
        {
            if (string.IsNullOrWhiteSpace(c.Id) || c.Id.Length > 128) errors.Add($"cameras[{index}].id: must be 1 to 128 characters");
            var input = CameraCredentials.MoveOutOfUris(new CameraInput(c.Name, c.StreamUri, c.OnvifUri, c.Username, c.Password, c.Enabled, c.Overrides, c.Source));
            errors.AddRange(CameraValidation.Validate(input, requireLocation: true).Select(e => $"cameras[{index}] ({c.Id}): {e}"));
        }
        foreach (var dup in backup.Cameras.GroupBy(c => c.Id).Where(g => g.Count() > 1)) errors.Add($"cameras: '{dup.Key}' appears more than once");
    }

    private static IEnumerable<BackupChange> Diff<T>(string section, IEnumerable<T> now, IEnumerable<T> restored,
        Func<T, string> id, Func<T, string> name, Func<T, T, IReadOnlyList<string>> fields, bool removable)
    {
        var before = now.ToDictionary(id, StringComparer.Ordinal);
        var after = restored.ToDictionary(id, StringComparer.Ordinal);
        foreach (var (key, item) in after.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!before.TryGetValue(key, out var old)) yield return new BackupChange(section, key, name(item), "added", []);
            else if (fields(old, item) is { Count: > 0 } changed) yield return new BackupChange(section, key, name(item), "changed", changed);
        }
        if (!removable) yield break;
        foreach (var (key, item) in before.Where(p => !after.ContainsKey(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal))
            yield return new BackupChange(section, key, name(item), "removed", []);
    }

    private static string RuleId(JsonElement rule) => rule.TryGetProperty("id", out var id) ? id.GetString() ?? "" : "";

    private static string RuleName(JsonElement rule) => rule.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : RuleId(rule);

    private static IReadOnlyList<string> JsonFields(JsonElement before, JsonElement after)
    {
        var a = JsonNode.Parse(before.GetRawText())!.AsObject();
        var b = JsonNode.Parse(after.GetRawText())!.AsObject();
        return a.Select(p => p.Key).Union(b.Select(p => p.Key))
            .Where(k => !JsonNode.DeepEquals(a[k], b[k]))
            .Order(StringComparer.Ordinal).ToList();
    }

    private static IReadOnlyList<string> PluginFields(PluginBackup before, PluginBackup after)
    {
        var fields = new List<string>();
        if (before.Enabled != after.Enabled) fields.Add("enabled");
        var configBefore = before.Config is { } x ? JsonNode.Parse(x.GetRawText()) : null;
        var configAfter = after.Config is { } y ? JsonNode.Parse(y.GetRawText()) : null;
        if (!JsonNode.DeepEquals(configBefore, configAfter)) fields.Add("config");
        return fields;
    }

    private static IReadOnlyList<string> CameraFields(CameraBackup before, CameraBackup after)
    {
        var fields = new List<string>();
        void Compare(string field, object? a, object? b)
        {
            if (!Equals(a, b)) fields.Add(field);
        }
        Compare("name", before.Name, after.Name);
        Compare("enabled", before.Enabled, after.Enabled);
        Compare("streamUri", before.StreamUri, after.StreamUri);
        Compare("onvifUri", before.OnvifUri, after.OnvifUri);
        Compare("username", before.Username, after.Username);
        Compare("password", before.Password, after.Password);
        Compare("overrides", before.Overrides ?? new(), after.Overrides ?? new());
        Compare("source", before.Source ?? "manual", after.Source ?? "manual");
        return fields;
    }
}
