using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Media.Plugin.Gpio;
using Appliance.Plugins.Media.Plugin.Snapshots;

namespace Appliance.Plugins.Media.Plugin.Rules;

/// <summary>
/// Carries out the rule actions the media plugin owns, delivered through its durable subscription
/// <see cref="SubscriptionName"/>: <c>gpio</c> pulses the named output (the same <see cref="GpioService.Drive"/> and
/// <see cref="PulseLength"/> as <c>POST gpio/outputs/{name}</c>); <c>snapshot</c> keeps the camera's latest frame as
/// <c>event-{triggerEventId}-{camera}</c> (the camera defaults to the triggering event's). Other kinds are not ours.
/// Success publishes <see cref="RuleActionDelivered"/>; an action that can never succeed (unknown output or camera,
/// GPIO off, bad pulse) publishes <see cref="RuleActionExpired"/> with the reason. One that may succeed later (no
/// decoded frame yet, GPIO driver not open) throws so the outbox delivers it again, until it is older than
/// <c>maxWait</c>: then it expires too. A repeated action (same trigger, rule and index) is not carried out twice.
/// </summary>
internal sealed class RuleActionHandler(
    GpioDriverKind gpioDriver,
    Func<GpioService?> gpio,
    Func<string, Result<Snapshot>> latestSnapshot,
    SnapshotStore store,
    IEventBus events,
    TimeProvider time,
    TimeSpan maxWait,
    int remembered = RuleActionHandler.DefaultRemembered)
{
    public const string SubscriptionName = "rule-actions";
    public const int DefaultRemembered = 1024;
    public const int MaxTargetLength = 256;

    /// <summary>How long an action that may still succeed is retried before it expires.</summary>
    public static readonly TimeSpan DefaultMaxWait = TimeSpan.FromMinutes(2);

    /// <summary>Failure codes of actions that may succeed on a later delivery.</summary>
    private static readonly HashSet<string> Retryable = new(StringComparer.Ordinal) { "no-frame", "gpio-unavailable" };

    private readonly HandledRuleActions _handled = new(remembered);

    public static IReadOnlyCollection<string> EventTypes { get; } = [nameof(RuleActionRequested)];

    public async Task HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!envelope.TryGet<RuleActionRequested>(out var action) || action is null || action.Kind is not ("gpio" or "snapshot")) return;
        var key = new RuleActionKey(action.TriggerEventId, action.RuleId, action.ActionIndex);
        if (!_handled.TryClaim(key)) return;
        Result<string> done;
        try
        {
            done = CarryOut(action);
        }
        catch
        {
            _handled.Release(key);
            throw;
        }
        var age = time.GetUtcNow() - envelope.OccurredAt;
        if (done.IsOk)
        {
            await events.PublishAsync(new RuleActionDelivered(envelope.Id, action.RuleId, action.Kind, done.Value, 1, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            return;
        }
        var failure = done.Failure!;
        if (Retryable.Contains(failure.Code) && age <= maxWait)
        {
            _handled.Release(key);
            throw new RuleActionNotYetPossibleException($"{action.Kind} action {action.ActionIndex} of rule {action.RuleId} not carried out yet: {failure}");
        }
        var reason = Retryable.Contains(failure.Code) ? $"{failure} (gave up after {maxWait.TotalSeconds:0} s)" : failure.ToString();
        await events.PublishAsync(new RuleActionExpired(envelope.Id, action.RuleId, action.Kind, Shorten(TargetOf(action)), 1, age, reason), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pulses the output or keeps the snapshot; the value is the output or camera it was done to.</summary>
    internal Result<string> CarryOut(RuleActionRequested action)
    {
        if (action.Target.Length > MaxTargetLength)
            return Result<string>.Fail("invalid-target", $"the target '{Shorten(action.Target)}' is longer than {MaxTargetLength} characters");
        return action.Kind == "gpio" ? Pulse(action) : KeepSnapshot(action);
    }

    private Result<string> Pulse(RuleActionRequested action)
    {
        if (gpioDriver == GpioDriverKind.None) return Result<string>.Fail("gpio-off", GpioService.NotConfigured);
        var pulse = PulseLength.Parse(action.Parameters.GetValueOrDefault("pulseMs"));
        if (!pulse.IsOk) return Result<string>.Fail(pulse.Failure!);
        if (gpio() is not { } service)
            return Result<string>.Fail("gpio-unavailable", $"the {gpioDriver} GPIO driver is not open (see the gpio health report)");
        return service.Drive(action.Target, true, pulse.Value).Map(_ => action.Target);
    }

    /// <summary>The output, or the camera of a snapshot (the triggering event's when the action names none).</summary>
    private static string TargetOf(RuleActionRequested action) =>
        action.Kind == "snapshot" && action.Target.Length == 0 ? action.CameraId ?? "" : action.Target;

    private Result<string> KeepSnapshot(RuleActionRequested action)
    {
        var camera = TargetOf(action);
        if (camera.Length == 0) return Result<string>.Fail("not-found", "the action names no camera and its triggering event has none");
        var latest = latestSnapshot(camera);
        if (!latest.IsOk) return Result<string>.Fail(latest.Failure!);
        return store.Save(SnapshotIds.ForEvent(action.TriggerEventId, camera), latest.Value.Jpeg).Map(_ => camera);
    }

    private static string Shorten(string text) => text.Length <= MaxTargetLength ? text : text[..MaxTargetLength] + "...";
}

/// <summary>Thrown to have the outbox deliver a rule action again later (it may succeed then).</summary>
public sealed class RuleActionNotYetPossibleException(string message) : Exception(message);
