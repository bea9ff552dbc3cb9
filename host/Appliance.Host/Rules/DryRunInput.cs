using System.Globalization;
using System.Text.Json;
using Appliance.Core.Rules;

namespace Appliance.Host.Rules;

/// <summary>
/// The body of <c>POST /api/v1/rules/dry-run</c>, every field optional:
/// <c>{ "rules": [ rule, ... ], "events": [ { "type": "MotionDetected", "camera": "lobby", "region": "door",
/// "input": "io1/in1", "active": true, "at": "2026-03-02T10:00:00Z" } ], "hours": 24 }</c>.
/// Without <c>rules</c> the stored rules are tried; without <c>events</c> the outbox's events of the last
/// <c>hours</c> (1 to 168, default 24). Every error is returned with its path.
/// </summary>
public sealed class DryRunInput
{
    public const int MaxEvents = 10_000;

    public RuleSet? Rules { get; private init; }
    public List<RuleEvent>? Events { get; private init; }
    public int Hours { get; private init; } = 24;
    public List<RuleError> Errors { get; } = [];

    public static DryRunInput Parse(string text, RuleStore store)
    {
        if (string.IsNullOrWhiteSpace(text)) return new DryRunInput();
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException ex)
        {
            var bad = new DryRunInput();
            bad.Errors.Add(new RuleError("", $"the dry-run request is not valid JSON (line {ex.LineNumber + 1})"));
            return bad;
        }
        using (doc)
        {
            var root = doc.RootElement;
            var errors = new List<RuleError>();
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new RuleError("", "expected an object with optional rules, events and hours"));
                return With(errors);
            }
            RuleSet? rules = null;
            List<RuleEvent>? events = null;
            var hours = 24;
            foreach (var p in root.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "rules": rules = ReadRules(p.Value, store, errors); break;
                    case "events": events = ReadEvents(p.Value, errors); break;
                    case "hours":
                        if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out hours) || hours < 1 || hours > 168)
                            errors.Add(new RuleError("hours", "expected a whole number of hours from 1 to 168"));
                        break;
                    default: errors.Add(new RuleError(p.Name, "unknown field; the known fields are rules, events, hours")); break;
                }
            }
            var input = new DryRunInput { Rules = rules, Events = events, Hours = hours };
            input.Errors.AddRange(errors);
            return input;
        }
    }

    private static DryRunInput With(List<RuleError> errors)
    {
        var input = new DryRunInput();
        input.Errors.AddRange(errors);
        return input;
    }

    private static RuleSet? ReadRules(JsonElement value, RuleStore store, List<RuleError> errors)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > RuleLimits.maxRules)
        {
            errors.Add(new RuleError("rules", $"expected an array of at most {RuleLimits.maxRules} rules"));
            return null;
        }
        var rules = new List<Rule>();
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            var check = RulesFacade.Check(store.Catalog, rules, item.GetRawText());
            if (check.IsValid) rules.Add(check.Valid);
            else errors.AddRange(check.Errors.Select(e => new RuleError(e.Path == "" ? $"rules[{i}]" : $"rules[{i}].{e.Path}", e.Message)));
            i++;
        }
        return RulesFacade.RuleSet(rules);
    }

    private static List<RuleEvent>? ReadEvents(JsonElement value, List<RuleError> errors)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > MaxEvents)
        {
            errors.Add(new RuleError("events", $"expected an array of at most {MaxEvents} events"));
            return null;
        }
        var events = new List<RuleEvent>();
        var i = 0;
        var now = DateTimeOffset.UtcNow;
        foreach (var item in value.EnumerateArray())
        {
            var path = $"events[{i++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new RuleError(path, "expected an object"));
                continue;
            }
            string? Text(string name)
            {
                if (!item.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
                if (v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 and <= 200 } s) return s;
                errors.Add(new RuleError($"{path}.{name}", "expected a string of 1 to 200 characters"));
                return null;
            }
            foreach (var p in item.EnumerateObject())
                if (p.Name is not ("type" or "camera" or "region" or "input" or "active" or "at"))
                    errors.Add(new RuleError($"{path}.{p.Name}", "unknown field; the known fields are type, camera, region, input, active, at"));
            var type = Text("type");
            if (type is null && !item.TryGetProperty("type", out _)) errors.Add(new RuleError($"{path}.type", "required field is missing"));
            bool? active = null;
            if (item.TryGetProperty("active", out var a))
            {
                if (a.ValueKind is JsonValueKind.True or JsonValueKind.False) active = a.GetBoolean();
                else errors.Add(new RuleError($"{path}.active", "expected true or false"));
            }
            var at = now;
            if (Text("at") is { } atText && !DateTimeOffset.TryParse(atText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at))
                errors.Add(new RuleError($"{path}.at", $"\"{atText}\" is not a date and time (ISO 8601)"));
            if (type is null) continue;
            var local = TimeZoneInfo.ConvertTime(at, TimeZoneInfo.Local).DateTime;
            events.Add(RulesFacade.Event($"dry-run-{i - 1}", type, Text("camera"), Text("region"), Text("input"), active, at, local));
        }
        return events;
    }
}
