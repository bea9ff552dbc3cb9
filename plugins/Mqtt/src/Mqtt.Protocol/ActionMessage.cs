using System.Globalization;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;

namespace Appliance.Plugins.Mqtt.Protocol;

/// <summary>
/// What one rule action publishes: the validated topic (prefix + the action's topic), the payload, and MQTT 5 user
/// properties naming the action (<c>ruleId</c>, <c>triggerEventId</c>, <c>actionIndex</c>) so a subscriber can
/// deduplicate a repeated delivery even when the payload is free text.
/// </summary>
public sealed record ActionMessage(string Topic, byte[] Payload, IReadOnlyList<(string Name, string Value)> Properties)
{
    public static Result<ActionMessage> For(RuleActionRequested action, string? topicPrefix)
    {
        var topic = MqttTopic.Compose(topicPrefix, action.Target);
        if (!topic.IsOk) return topic.Failure!;
        var payload = MqttPayload.For(action.Parameters, () => RuleFiringDocument.For(action));
        if (!payload.IsOk) return payload.Failure!;
        return new ActionMessage(topic.Value, payload.Value,
        [
            ("ruleId", action.RuleId),
            ("triggerEventId", action.TriggerEventId.ToString()),
            ("actionIndex", action.ActionIndex.ToString(CultureInfo.InvariantCulture)),
        ]);
    }
}
