using Appliance.Abstractions;

namespace Appliance.Plugins.NxWitness.Protocol;

public enum DeliveryResult { Delivered, RetryLater, Expired }

public sealed record DeliveryOutcome(DeliveryResult Result, int Attempts, Failure? LastFailure);

/// <summary>
/// Attempts for one queued message: up to <c>quickAttempts</c> in a row with doubling backoff, except that a refusal a
/// repeat cannot fix right away (<c>auth</c>, <c>rejected</c>) ends the run at once. Still undelivered, the message is
/// left to the caller's durable queue (<see cref="DeliveryResult.RetryLater"/>) until it is older than <c>maxAge</c>:
/// then <see cref="DeliveryResult.Expired"/>. Attempts are counted per message id across runs until it is done.
/// </summary>
public sealed class DeliveryAttempts(TimeProvider time, int quickAttempts, TimeSpan firstBackoff, TimeSpan maxAge)
{
    private static readonly string[] NotWorthRepeatingNow = ["auth", "rejected"];

    private readonly Dictionary<string, int> _counts = new();
    private readonly Lock _gate = new();

    public async Task<DeliveryOutcome> RunAsync(string messageId, DateTimeOffset createdAt, Func<CancellationToken, Task<Result<string>>> attempt, CancellationToken ct)
    {
        Failure? last = null;
        for (var i = 0; i < quickAttempts; i++)
        {
            if (i > 0) await Task.Delay(firstBackoff * Math.Pow(2, i - 1), time, ct);
            Count(messageId);
            var result = await attempt(ct);
            if (result.IsOk) return Finish(messageId, DeliveryResult.Delivered, null);
            last = result.Failure!;
            if (NotWorthRepeatingNow.Contains(last.Code)) break;
        }
        if (time.GetUtcNow() - createdAt > maxAge) return Finish(messageId, DeliveryResult.Expired, last);
        lock (_gate) return new DeliveryOutcome(DeliveryResult.RetryLater, _counts[messageId], last);
    }

    private void Count(string id)
    {
        lock (_gate) _counts[id] = _counts.GetValueOrDefault(id) + 1;
    }

    private DeliveryOutcome Finish(string id, DeliveryResult result, Failure? failure)
    {
        lock (_gate)
        {
            _counts.Remove(id, out var n);
            return new DeliveryOutcome(result, n, failure);
        }
    }
}
