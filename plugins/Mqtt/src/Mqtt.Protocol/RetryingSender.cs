using Appliance.Abstractions;

namespace Appliance.Plugins.Mqtt.Protocol;

public enum SendResult { Delivered, RetryLater, Expired, Refused }

public sealed record SendOutcome(SendResult Result, int Attempts, string? LastError);

/// <summary>
/// A few attempts in a row with doubling backoff; still failing, the message is left for later (the caller's
/// durable queue keeps it) unless older than <c>maxAge</c>, then it is expired. A failure the broker will repeat
/// whatever the time (<see cref="MqttPublisher.IsDefinite"/>) ends the message at once as refused. Attempts are
/// counted per message id across calls until the message is done.
/// </summary>
public sealed class RetryingSender(TimeProvider time, int quickAttempts, TimeSpan firstBackoff, TimeSpan maxAge)
{
    private readonly Dictionary<string, int> _attempts = new();
    private readonly object _lock = new();

    public async Task<SendOutcome> SendAsync(string messageId, DateTimeOffset createdAt, Func<CancellationToken, Task<Result<bool>>> attempt, CancellationToken ct)
    {
        string? lastError = null;
        var backoff = firstBackoff;
        for (var i = 0; i < quickAttempts; i++)
        {
            lock (_lock) _attempts[messageId] = _attempts.GetValueOrDefault(messageId) + 1;
            var result = await attempt(ct);
            if (result.IsOk) return Done(messageId, SendResult.Delivered, null);
            lastError = result.Failure!.ToString();
            if (MqttPublisher.IsDefinite(result.Failure)) return Done(messageId, SendResult.Refused, lastError);
            if (i + 1 < quickAttempts)
            {
                await Task.Delay(backoff, time, ct);
                backoff *= 2;
            }
        }
        if (time.GetUtcNow() - createdAt > maxAge) return Done(messageId, SendResult.Expired, lastError);
        lock (_lock) return new SendOutcome(SendResult.RetryLater, _attempts[messageId], lastError);
    }

    private SendOutcome Done(string id, SendResult result, string? error)
    {
        lock (_lock)
        {
            _attempts.Remove(id, out var n);
            return new SendOutcome(result, n, error);
        }
    }
}
