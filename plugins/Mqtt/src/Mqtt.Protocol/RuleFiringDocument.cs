using System.Text.Json;
using Appliance.Abstractions.Events;

namespace Appliance.Plugins.Mqtt.Protocol;

/// <summary>
/// The JSON body published when the action sets no <c>payload</c>:
/// <code>
/// { "ruleId": "door", "ruleName": "Door opened", "actionIndex": 0,
///   "triggerEventId": "3f2c…", "triggerEventType": "DigitalInputChanged", "triggeredAt": "2026-12-03T16:00:00+00:00",
///   "cameraId": null, "input": "io-1/door", "region": null }
/// </code>
/// Every field is always present (null when the trigger does not name it); (<c>triggerEventId</c>, <c>ruleId</c>,
/// <c>actionIndex</c>) identify the action, for subscribers that deduplicate a repeated delivery.
/// </summary>
public static class RuleFiringDocument
{
    public static byte[] For(RuleActionRequested action)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("ruleId", action.RuleId);
            w.WriteString("ruleName", action.RuleName);
            w.WriteNumber("actionIndex", action.ActionIndex);
            w.WriteString("triggerEventId", action.TriggerEventId);
            w.WriteString("triggerEventType", action.TriggerEventType);
            w.WriteString("triggeredAt", action.TriggeredAt);
            w.WriteString("cameraId", action.CameraId);
            w.WriteString("input", action.Input);
            w.WriteString("region", action.Region);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
