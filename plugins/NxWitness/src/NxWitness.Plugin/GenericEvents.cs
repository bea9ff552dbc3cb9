using Appliance.Abstractions.Events;
using Appliance.Plugins.NxWitness.Protocol;

namespace Appliance.Plugins.NxWitness;

/// <summary>
/// The generic event for a rule action: parameters <c>source</c>, <c>caption</c>, <c>description</c> (the texts Nx
/// rules filter on), <c>cameraRefs</c> (comma-separated Nx camera ids) and <c>state</c> (<c>Active</c>/<c>Inactive</c>)
/// when the rule gives them; otherwise source "Appliance", caption the rule's message (else its name), description
/// the trigger (event type, camera or input, region); timestamp the trigger's time.
/// </summary>
public static class GenericEvents
{
    public static GenericEvent For(RuleActionRequested action)
    {
        string? Parameter(string name) => action.Parameters.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
        var where = action.CameraId ?? action.Input ?? "appliance";
        var description = Parameter("description") ?? $"{action.TriggerEventType} at {where}{(action.Region is null ? "" : $" ({action.Region})")}";
        var refs = (Parameter("cameraRefs") ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var state = Parameter("state") switch
        {
            "Active" => GenericEventState.Active,
            "Inactive" => GenericEventState.Inactive,
            _ => GenericEventState.Instant,
        };
        return new GenericEvent(
            Parameter("source") ?? "Appliance", Parameter("caption") ?? Parameter("message") ?? action.RuleName, description,
            action.TriggeredAt, refs, state);
    }
}
