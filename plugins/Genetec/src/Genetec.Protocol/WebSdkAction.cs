using System.Globalization;

namespace Appliance.Plugins.Genetec.Protocol;

/// <summary>
/// One Web SDK action, as the Security Center SDK Developer Guide (5.14, "Web SDK", endpoint reference and worked
/// examples; developer.genetec.com) documents it: <c>POST {base}/action?q={query}</c> "launches an action". Only
/// numbers and GUIDs reach the query (GUIDs without dashes, as the guide requires), so no configured or rule text
/// can change its shape.
/// </summary>
public abstract record WebSdkAction
{
    /// <summary>The path and query below the base URI (<c>action?q=...</c>).</summary>
    public abstract string PathAndQuery { get; }

    /// <summary>What the action is, for logs and health.</summary>
    public abstract string Describe();

    /// <summary>GUIDs in a query: 32 hex digits ("the dashes in guids must either be escaped or removed").</summary>
    protected static string Id(Guid guid) => guid.ToString("N");
}

/// <summary>
/// A custom event: <c>POST action?q=RaiseCustomEvent(CustomEventId(5000))</c> (the guide's example, verbatim form).
/// The custom event must be defined in Security Center (SystemConfiguration, CustomEvents) with that id.
/// </summary>
public sealed record RaiseCustomEvent(int CustomEventId) : WebSdkAction
{
    public override string PathAndQuery =>
        "action?q=" + Uri.EscapeDataString($"RaiseCustomEvent(CustomEventId({CustomEventId.ToString(CultureInfo.InvariantCulture)}))");

    public override string Describe() => $"custom event {CustomEventId}";
}

/// <summary>
/// An alarm: <c>POST action?q=TriggerAlarm({alarm})</c>, or <c>TriggerAlarm({alarm},{source})</c> with the source
/// entity (a camera). Assumed form: the guide lists the action endpoint and alarm triggering among the Web SDK's
/// operations but gives no TriggerAlarm example; the argument order (alarm, then source entity) follows the public
/// third-party integrations that call it.
/// </summary>
public sealed record TriggerAlarm(Guid Alarm, Guid? Source) : WebSdkAction
{
    public override string PathAndQuery =>
        "action?q=" + Uri.EscapeDataString(Source is { } s ? $"TriggerAlarm({Id(Alarm)},{Id(s)})" : $"TriggerAlarm({Id(Alarm)})");

    public override string Describe() => Source is { } s ? $"alarm {Alarm} (source {s})" : $"alarm {Alarm}";
}
