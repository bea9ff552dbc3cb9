using Appliance.Core.Rules;
using Appliance.Host.Events;
using Appliance.Host.Rules;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.Host.Pages;

/// <summary>
/// The rules: each stored rule as JSON, a form to add or replace one (validated by the core, every error shown
/// with its path), delete, and a dry run over the last day of events.
/// </summary>
public sealed class RulesModel(RuleStore store, OutboxEventBus bus) : PageModel
{
    public IReadOnlyList<Rule> Rules { get; private set; } = [];

    [BindProperty]
    public string? Json { get; set; }

    public IReadOnlyList<RuleError> Errors { get; private set; } = [];

    public string? Message { get; private set; }

    public IReadOnlyList<RuleDecision>? DryRun { get; private set; }

    public int DryRunEvents { get; private set; }

    public static string Example => """
        {
          "id": "motion-lobby",
          "name": "Motion in the lobby",
          "trigger": { "events": ["MotionDetected"], "cameras": [], "cooldownMs": 10000 },
          "actions": [ { "type": "webhook", "target": "default" } ]
        }
        """;

    public void OnGet() => Load();

    public void OnPostSave()
    {
        var text = Json ?? "";
        var id = store.Check(text).Rule?.Value?.Id ?? TryId(text);
        var replacing = id is not null && store.Get(id) is not null ? id : null;
        var saved = store.Save(text, replacing);
        if (saved.IsValid) { Message = $"Rule \"{saved.Valid.Id}\" saved."; Json = null; }
        else Errors = saved.Errors;
        Load();
    }

    public void OnPostDelete(string id)
    {
        Message = store.Delete(id) ? $"Rule \"{id}\" deleted." : $"Rule \"{id}\" does not exist.";
        Load();
    }

    public void OnPostDryRun()
    {
        var since = DateTimeOffset.UtcNow.AddDays(-1);
        var events = bus.Recent(1000).Where(e => e.OccurredAt >= since).Reverse()
            .Select(e => RuleEventFacts.From(e, TimeZoneInfo.Local)).ToList();
        DryRunEvents = events.Count;
        DryRun = RulesFacade.DryRun(store.Rules, events);
        Load();
    }

    private void Load() => Rules = store.Rules.ToList();

    private static string? TryId(string text)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(text);
            return doc.RootElement.TryGetProperty("id", out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
