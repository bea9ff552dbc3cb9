using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Dmp.Protocol;

namespace Appliance.Plugins.Dmp;

/// <summary>
/// What the plugin does with a parsed panel message: refuses unknown accounts (log and health entry), records the
/// panel as heard, keeps the arming state per area, publishes alarm, arming, zone and trouble events, and watches
/// check-in intervals (a silent panel goes to <c>lost</c> with a trouble event).
/// </summary>
internal sealed class DmpReceiver(IPluginContext context, PanelRegistry panels)
{
    public const string ReceiverComponent = "receiver";
    public const string AccountsComponent = "accounts";
    private readonly DateTimeOffset _started = context.Time.GetUtcNow();

    public static string PanelComponent(string account) => $"panel/{account}";

    public void Refused(string remote, string code, string message)
    {
        context.Logger.Warn("DMP frame from {Remote} refused ({Code}): {Message}", remote, code, message);
        context.Health.Report(ReceiverComponent, HealthState.Degraded, $"last refusal from {remote} ({code}): {message}");
    }

    public async Task<Acceptance> AcceptAsync(DmpMessage message, string remote, CancellationToken ct)
    {
        if (!panels.TryGet(message.Account, out var panel))
        {
            context.Logger.Warn("DMP message from {Remote} refused: account {Account} is not a configured panel (setting panels); not acknowledged, connection closed", remote, message.Account);
            context.Health.Report(AccountsComponent, HealthState.Degraded, $"unknown account {message.Account} from {remote} refused (not acknowledged)");
            return Acceptance.UnknownAccount;
        }
        var now = context.Time.GetUtcNow();
        if (message.Kind == DmpMessageKind.Event)
        {
            var e = DmpEventClassifier.Classify(message);
            if (PanelEventTypes.TypeOf(e.Kind) is { } type)
            {
                var published = await context.NamedEvents.PublishAsync(type, PanelEventTypes.Payload(panel, e, message.Text, remote), ct);
                if (!published.IsOk)
                {
                    context.Logger.Error(null, "DMP {Type} of panel {Account} not stored, not acknowledged (the panel sends it again): {Failure}", type, panel.Account, published.Failure);
                    context.Health.Report(ReceiverComponent, HealthState.Unhealthy, $"{type} of panel {panel.Account} not stored: {published.Failure}");
                    return Acceptance.NotStored;
                }
            }
            if (e.Area is { } area && e.Kind is DmpEventKind.Arming or DmpEventKind.Alarm)
                panels.SetArea(panel.Account, area, e.AreaName, e.State, now);
        }
        if (panels.Heard(panel.Account, now, Summary(message), remote))
            await PublishLinkAsync(panel, restored: true, TimeSpan.Zero, ct);
        context.Health.Report(PanelComponent(panel.Account), HealthState.Healthy, $"{panel.Name}: last message at {now:O}");
        return Acceptance.Stored;
    }

    /// <summary>One pass over the check-in intervals; called by the plugin's link watch loop.</summary>
    public async Task SweepAsync(CancellationToken ct)
    {
        var now = context.Time.GetUtcNow();
        foreach (var panel in panels.SweepLost(now, _started))
        {
            context.Logger.Warn("DMP panel {Account} ({Name}) lost: silent beyond its check-in interval of {Minutes} minute(s)", panel.Account, panel.Name, panel.CheckInInterval.TotalMinutes);
            context.Health.Report(PanelComponent(panel.Account), HealthState.Degraded, $"{panel.Name}: lost (nothing heard within its check-in interval)");
            await PublishLinkAsync(panel, restored: false, panel.CheckInInterval, ct);
        }
    }

    private async Task PublishLinkAsync(PanelSettings panel, bool restored, TimeSpan silentFor, CancellationToken ct)
    {
        var published = await context.NamedEvents.PublishAsync(PanelEventTypes.Trouble, PanelEventTypes.LinkPayload(panel, restored, silentFor), ct);
        if (!published.IsOk) context.Logger.Error(null, "DMP link event of panel {Account} not stored: {Failure}", panel.Account, published.Failure);
    }

    private static string Summary(DmpMessage message) => message.Kind switch
    {
        DmpMessageKind.CheckIn => "check-in",
        DmpMessageKind.TimeRequest => "time request",
        _ => message.Text.Length > 200 ? message.Text[..200] : message.Text,
    };
}
