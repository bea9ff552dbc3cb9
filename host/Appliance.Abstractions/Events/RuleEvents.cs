namespace Appliance.Abstractions.Events;

// Events of the rules engine and the integrations that carry out its actions. Adding a property is compatible;
// renaming or removing one is a host API change.

/// <summary>
/// A rule fired and asks for one action. The integration plugin for <see cref="Kind"/> consumes it through its own
/// durable subscription, so a target that is down gets it later. Delivery is at least once: deduplicate on
/// (<see cref="TriggerEventId"/>, <see cref="RuleId"/>, <see cref="ActionIndex"/>).
/// </summary>
/// <param name="Kind"><c>vms</c>, <c>email</c>, <c>sms</c>, <c>webhook</c>, <c>mqtt</c>, <c>gpio</c>, <c>snapshot</c> or <c>clip</c>.</param>
/// <param name="Target">The configured target (VMS or webhook name), the MQTT topic, the GPIO output, or the camera of a snapshot.</param>
/// <param name="Parameters">The action's other fields by name (<c>message</c>, <c>subject</c>, <c>payload</c>, <c>pulseMs</c>).</param>
/// <param name="Recipients">E-mail recipients (empty for other kinds).</param>
/// <param name="CameraId">The camera of the triggering event, if it names one.</param>
/// <param name="Input">The digital input (<c>device/input</c>) of the triggering event, if any.</param>
/// <param name="Region">The motion region of the triggering event, if any.</param>
public sealed record RuleActionRequested(
    string RuleId,
    string RuleName,
    int ActionIndex,
    string Kind,
    string Target,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<string> Recipients,
    Guid TriggerEventId,
    string TriggerEventType,
    DateTimeOffset TriggeredAt,
    string? CameraId,
    string? Input,
    string? Region) : IApplianceEvent
{
    public EventCategory Category => EventCategory.Alarm;
}

/// <summary>An integration delivered a requested action (after <paramref name="Attempts"/> attempts).</summary>
public sealed record RuleActionDelivered(
    Guid RequestEventId, string RuleId, string Kind, string Target, int Attempts, DateTimeOffset DeliveredAt) : IApplianceEvent
{
    public EventCategory Category => EventCategory.System;
}

/// <summary>
/// An integration gave up on a requested action because it was older than the configured age limit when the target
/// could take it. Never silent: every expired action is reported once with the last error.
/// </summary>
public sealed record RuleActionExpired(
    Guid RequestEventId, string RuleId, string Kind, string Target, int Attempts, TimeSpan Age, string LastError) : IApplianceEvent
{
    public EventCategory Category => EventCategory.Alarm;
}
