using Appliance.Plugins.Shared;

namespace Appliance.Plugins.Webhooks.Protocol;

/// <summary>
/// Delivers one webhook through the shared <see cref="DeliveryAttempts"/> (quick retries with doubling backoff, then
/// left to the outbox, expiry by age) and lists every attempt in the <see cref="DeliveryLog"/>. A refusal by the
/// receiver (4xx, 410) is final: no repeat would change it.
/// </summary>
internal sealed class DeliveryAgent(WebhookClient client, DeliveryLog log, TimeProvider time, DeliveryAttempts attempts)
{
    /// <summary>The shared attempts with the webhook refusals (<c>rejected</c>, <c>gone</c>) as final.</summary>
    public static DeliveryAttempts Attempts(TimeProvider time, int quickAttempts, TimeSpan firstBackoff, TimeSpan maxAge) =>
        new(time, quickAttempts, firstBackoff, maxAge) { IsFinal = f => f.Code is "rejected" or "gone" };

    /// <param name="createdAt">When the action was requested; its age decides expiry.</param>
    public Task<DeliveryOutcome> DeliverAsync(WebhookTarget target, WebhookMessage message, DateTimeOffset createdAt, CancellationToken ct) =>
        attempts.RunAsync(message.Id, createdAt, async (attempt, token) =>
        {
            var result = await client.SendAsync(target, message, token);
            log.Add(new DeliveryAttempt(message.Id, target.Name, attempt, time.GetUtcNow(),
                result.IsOk ? "delivered" : result.Failure!.Code, result.IsOk ? result.Value : null, result.Failure?.Message));
            return result;
        }, ct);
}
