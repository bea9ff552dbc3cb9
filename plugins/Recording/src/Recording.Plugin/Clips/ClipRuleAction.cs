using System.Security.Cryptography;
using System.Text;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Recording.Protocol.Clips;

namespace Appliance.Plugins.Recording.Plugin.Clips;

/// <summary>
/// Carries out rule actions of kind <c>clip</c> (through the durable subscription <see cref="SubscriptionName"/>): a
/// clip job of the camera (the action's, else the triggering event's) from <c>preSeconds</c> before the event to
/// <c>postSeconds</c> after it, exported when <c>export</c> is <c>true</c>, downscaled to 2MP by the media plugin when
/// <c>downscale</c> is. The job's id comes from the trigger, rule
/// and action index, so a repeated delivery finds the job it already made. Queued: <see cref="RuleActionDelivered"/>
/// (target <c>{camera}/{clip id}</c>); an action that can never be carried out (unknown camera, bad seconds, export
/// asked without a destination, downscale without the transcoder): <see cref="RuleActionExpired"/> with the reason.
/// </summary>
internal sealed class ClipRuleAction(ClipService clips, Func<string, bool> knownCamera, TimeSpan retention, IEventBus events, TimeProvider time)
{
    public const string SubscriptionName = "rule-actions";

    public static IReadOnlyCollection<string> EventTypes { get; } = [nameof(RuleActionRequested)];

    public async Task HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!envelope.TryGet<RuleActionRequested>(out var action) || action is null || action.Kind != "clip") return;
        var camera = action.Target.Length > 0 ? action.Target : action.CameraId;
        var range = ClipRanges.AroundEvent(camera, action.TriggeredAt, action.Parameters.GetValueOrDefault("preSeconds"),
            action.Parameters.GetValueOrDefault("postSeconds"), retention, knownCamera);
        var export = action.Parameters.GetValueOrDefault("export") == "true";
        var downscale = action.Parameters.GetValueOrDefault("downscale") == "true";
        var clip = range.IsOk ? clips.CreateForAction(IdFor(action), range.Value, export, downscale) : Result<Index.ClipRow>.Fail(range.Failure!);
        if (clip.IsOk)
        {
            await events.PublishAsync(new RuleActionDelivered(envelope.Id, action.RuleId, action.Kind, $"{clip.Value.Camera}/{clip.Value.Id}", 1, time.GetUtcNow()),
                cancellationToken).ConfigureAwait(false);
            return;
        }
        await events.PublishAsync(new RuleActionExpired(envelope.Id, action.RuleId, action.Kind, camera ?? "", 1, time.GetUtcNow() - envelope.OccurredAt,
            clip.Failure!.ToString()), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The clip id of an action: 16 hex digits of SHA-256 over trigger event, rule and action index.</summary>
    public static string IdFor(RuleActionRequested action) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{action.TriggerEventId:N}/{action.RuleId}/{action.ActionIndex}")))[..16];
}
