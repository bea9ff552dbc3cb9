using System.Globalization;
using Appliance.Abstractions.Events;

namespace Appliance.Plugins.Sms;

/// <summary>The text of a rule's SMS: its message, then the rule, the time (UTC) and the camera or input.</summary>
internal static class SmsText
{
    public static string For(RuleActionRequested action)
    {
        var message = action.Parameters.GetValueOrDefault("message");
        var head = string.IsNullOrWhiteSpace(message) ? action.RuleName : message;
        var where = action.CameraId is not null ? $", camera {action.CameraId}" : action.Input is not null ? $", input {action.Input}" : "";
        return string.Create(CultureInfo.InvariantCulture, $"{head}\n{action.RuleName} at {action.TriggeredAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC{where}");
    }
}
