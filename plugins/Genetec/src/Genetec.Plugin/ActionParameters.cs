using System.Globalization;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Genetec.Protocol;

namespace Appliance.Plugins.Genetec;

/// <summary>
/// The Web SDK action a rule action asks for, from its parameters: <c>customEventId</c> (an integer: the custom
/// event's id in Security Center) or <c>alarm</c> (the alarm entity's GUID) with an optional <c>source</c> (an
/// entity GUID, e.g. the camera). Anything else is <c>invalid-parameters</c>: a definite refusal, never sent.
/// </summary>
public static class ActionParameters
{
    public static Result<WebSdkAction> ToWebSdkAction(RuleActionRequested action)
    {
        var p = action.Parameters;
        var hasEvent = p.TryGetValue("customEventId", out var eventId);
        var hasAlarm = p.TryGetValue("alarm", out var alarm);
        if (hasEvent == hasAlarm)
            return Result<WebSdkAction>.Fail("invalid-parameters", "give either customEventId (a custom event id) or alarm (an alarm GUID)");
        if (hasEvent)
            return int.TryParse(eventId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
                ? new RaiseCustomEvent(id)
                : Result<WebSdkAction>.Fail("invalid-parameters", $"customEventId \"{WebSdkResponse.Shorten(eventId!)}\" is not a positive integer");
        if (!Guid.TryParse(alarm, out var alarmGuid))
            return Result<WebSdkAction>.Fail("invalid-parameters", $"alarm \"{WebSdkResponse.Shorten(alarm!)}\" is not a GUID");
        if (!p.TryGetValue("source", out var source) || source.Length == 0) return new TriggerAlarm(alarmGuid, null);
        return Guid.TryParse(source, out var sourceGuid)
            ? new TriggerAlarm(alarmGuid, sourceGuid)
            : Result<WebSdkAction>.Fail("invalid-parameters", $"source \"{WebSdkResponse.Shorten(source)}\" is not a GUID");
    }
}
