using Appliance.Abstractions;

namespace Appliance.Plugins.Webhooks.Protocol;

/// <summary>What became of one message after one call of <see cref="DeliveryAgent.DeliverAsync"/>.</summary>
public enum DeliveryResult { Delivered, RetryLater, Expired, Refused }

public sealed record DeliveryOutcome(DeliveryResult Result, int Attempts, string? LastError);

/// <summary>
/// Delivers one message with a few quick retries (backoff doubling from <c>firstBackoff</c>); a message still not
/// delivered is left for later (the caller's durable queue keeps it) unless it is older than <c>maxAge</c>, in which
/// case it is reported expired. The attempt count per message is kept across calls until the message is done.
/// </summary>
public sealed class DeliveryAgent(WebhookClient client, DeliveryLog log, TimeProvider time, int quickAttempts, TimeSpan firstBackoff, TimeSpan maxAge)
{
    private readonly Dictionary<string, int> _attempts = new();
    private readonly object _lock = new();

    /// <param name="createdAt">When the action was requested; its age decides expiry.</param>
    public async Task<DeliveryOutcome> DeliverAsync(WebhookTarget target, WebhookMessage message, DateTimeOffset createdAt, CancellationToken ct)
    {
        string? lastError = null;
        var backoff = firstBackoff;
        for (var i = 0; i < quickAttempts; i++)
        {
            var attempt = Next(message.Id);
            var result = await client.SendAsync(target, message, ct);
            log.Add(new DeliveryAttempt(message.Id, target.Name, attempt, time.GetUtcNow(),
                result.IsOk ? "delivered" : result.Failure!.Code, result.IsOk ? result.Value : null, result.Failure?.Message));
            if (result.IsOk) return Done(message.Id, DeliveryResult.Delivered, null);
            lastError = result.Failure!.ToString();
            if (result.Failure.Code is "rejected" or "gone") return Done(message.Id, DeliveryResult.Refused, lastError);
            if (i + 1 < quickAttempts)
            {
                await Task.Delay(backoff, time, ct);
                backoff *= 2;
            }
        }
        if (time.GetUtcNow() - createdAt > maxAge) return Done(message.Id, DeliveryResult.Expired, lastError);
        lock (_lock) return new DeliveryOutcome(DeliveryResult.RetryLater, _attempts[message.Id], lastError);
    }

    private int Next(string id)
    {
        lock (_lock)
        {
            _attempts[id] = _attempts.GetValueOrDefault(id) + 1;
            return _attempts[id];
        }
    }

    private DeliveryOutcome Done(string id, DeliveryResult result, string? error)
    {
        lock (_lock)
        {
            _attempts.Remove(id, out var n);
            return new DeliveryOutcome(result, n, error);
        }
    }
}
