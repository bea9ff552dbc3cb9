using System.Text.Json;
using Appliance.Abstractions.Events;

namespace Appliance.Plugins.Webhooks;

/// <summary>
/// The JSON body of a webhook, in the Standard Webhooks payload shape: <c>{ "type": "rule.fired", "timestamp": ...,
/// "data": { ruleId, ruleName, triggerEventId, triggerEventType, triggeredAt, cameraId, input, region, parameters } }</c>.
/// </summary>
public static class WebhookPayload
{
    public const string Type = "rule.fired";

    public static string Build(RuleActionRequested action) => JsonSerializer.Serialize(new
    {
        type = Type,
        timestamp = action.TriggeredAt,
        data = new
        {
            ruleId = action.RuleId,
            ruleName = action.RuleName,
            triggerEventId = action.TriggerEventId,
            triggerEventType = action.TriggerEventType,
            triggeredAt = action.TriggeredAt,
            cameraId = action.CameraId,
            input = action.Input,
            region = action.Region,
            parameters = action.Parameters,
        },
    }, JsonSerializerOptions.Web);

    /// <summary>The message id: stable per (trigger event, rule, action), so retries and redeliveries share it.</summary>
    public static string MessageId(RuleActionRequested action) => $"msg_{action.TriggerEventId:N}_{action.RuleId}_{action.ActionIndex}";
}
