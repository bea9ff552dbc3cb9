using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Plugins.Shared;

namespace Appliance.Plugins.Webhooks;

/// <summary>
/// The JSON body of a webhook, in the Standard Webhooks payload shape: <c>{ "type": "rule.fired", "timestamp": ...,
/// "data": { ruleId, ruleName, triggerEventId, triggerEventType, triggeredAt, cameraId, input, region, parameters,
/// thumbnail } }</c>. <c>thumbnail</c> is null when the rule's event had no alert image; else
/// <c>{ eventId, snapshotId, contentType, bytes, width, height, data }</c> with the JPEG in base64 (at most
/// <see cref="MaxThumbnailBytes"/> before encoding), or, when the image cannot go (gone, too large, not a JPEG),
/// <c>{ eventId, snapshotId, omitted, reason }</c>: the message is sent either way.
/// </summary>
public static class WebhookPayload
{
    public const string Type = "rule.fired";

    /// <summary>The largest alert image carried in a webhook: 1 MiB of JPEG (about 1.4 MB of base64 in the body).</summary>
    public const int MaxThumbnailBytes = 1024 * 1024;

    /// <summary>The body, with the action's alert image read now (see <see cref="Thumbnail"/>).</summary>
    public static string Build(RuleActionRequested action) => Build(action, Thumbnail(action));

    /// <summary>The action's alert image as it is now, or null when it names none.</summary>
    internal static Result<AlertThumbnail>? Thumbnail(RuleActionRequested action) => AlertThumbnails.Read(action.Parameters, MaxThumbnailBytes);

    internal static string Build(RuleActionRequested action, Result<AlertThumbnail>? thumbnail) => JsonSerializer.Serialize(new
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
            // The appliance's own file path means nothing to a receiver: the image is under thumbnail.
            parameters = action.Parameters.Where(p => p.Key != AlertThumbnails.PathParameter).ToDictionary(),
            thumbnail = ThumbnailJson(action, thumbnail),
        },
    }, JsonSerializerOptions.Web);

    private static object? ThumbnailJson(RuleActionRequested action, Result<AlertThumbnail>? thumbnail)
    {
        if (thumbnail is not { } t) return null;
        if (!t.TryGetValue(out var image, out var failure))
        {
            return new
            {
                eventId = action.TriggerEventId,
                snapshotId = Path.GetFileNameWithoutExtension(action.Parameters[AlertThumbnails.PathParameter]),
                omitted = failure.Code,
                reason = failure.Message,
            };
        }
        return new
        {
            eventId = action.TriggerEventId,
            snapshotId = image.SnapshotId,
            contentType = AlertThumbnail.ContentType,
            bytes = image.Jpeg.Length,
            width = image.Width,
            height = image.Height,
            data = Convert.ToBase64String(image.Jpeg),
        };
    }

    /// <summary>The message id: stable per (trigger event, rule, action), so retries and redeliveries share it.</summary>
    public static string MessageId(RuleActionRequested action) => $"msg_{action.TriggerEventId:N}_{action.RuleId}_{action.ActionIndex}";
}
