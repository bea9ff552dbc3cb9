using Appliance.Abstractions;

namespace Appliance.Plugins.Shared;

/// <summary>What became of one run of attempts for a message.</summary>
internal enum DeliveryResult
{
    /// <summary>An attempt succeeded.</summary>
    Delivered,

    /// <summary>Not delivered yet: the caller leaves the message to its durable queue (the outbox hands it again later).</summary>
    RetryLater,

    /// <summary>Still not delivered and older than the maximum age: given up.</summary>
    Expired,

    /// <summary>A failure no repeat will fix (<see cref="DeliveryAttempts.IsFinal"/>): given up at once.</summary>
    Refused,
}

/// <summary>The result of a run, the attempts counted so far for that message (across runs) and the last failure.</summary>
internal sealed record DeliveryOutcome(DeliveryResult Result, int Attempts, Failure? LastFailure)
{
    /// <summary>The last failure as text (<c>code: message</c>), null when there was none.</summary>
    public string? LastError => LastFailure?.ToString();
}

/// <summary>
/// Delivery of one message with a durable queue behind it: up to <c>quickAttempts</c> tries in a row, the pause
/// doubling from <c>firstBackoff</c>; still failing, <see cref="DeliveryResult.RetryLater"/> unless the message is
/// older than <c>maxAge</c>, then <see cref="DeliveryResult.Expired"/>. A failure for which <see cref="EndsRun"/>
/// holds stops the quick tries (a repeat cannot fix it right away); one for which <see cref="IsFinal"/> holds ends
/// the message at once as <see cref="DeliveryResult.Refused"/>. Attempts are counted per message id across runs
/// until the message is done. Shared source (plugins/Shared/Delivery), compiled internal into each integration.
/// </summary>
internal sealed class DeliveryAttempts(TimeProvider time, int quickAttempts, TimeSpan firstBackoff, TimeSpan maxAge)
{
    private readonly Dictionary<string, int> _counts = new();
    private readonly Lock _gate = new();

    /// <summary>A failure the peer will repeat whatever the time: the message is refused at once. None by default.</summary>
    public Func<Failure, bool> IsFinal { get; init; } = _ => false;

    /// <summary>A failure not worth repeating now (e.g. refused credentials): the run stops, the message waits. None by default.</summary>
    public Func<Failure, bool> EndsRun { get; init; } = _ => false;

    public Task<DeliveryOutcome> RunAsync<T>(string messageId, DateTimeOffset createdAt, Func<CancellationToken, Task<Result<T>>> attempt, CancellationToken ct) =>
        RunAsync(messageId, createdAt, (_, token) => attempt(token), ct);

    /// <summary>As the other overload; <paramref name="attempt"/> is also given the number of the attempt, counted
    /// for that message across runs from 1 (e.g. for a log of attempts).</summary>
    public async Task<DeliveryOutcome> RunAsync<T>(string messageId, DateTimeOffset createdAt, Func<int, CancellationToken, Task<Result<T>>> attempt, CancellationToken ct)
    {
        Failure? last = null;
        var backoff = firstBackoff;
        for (var i = 0; i < quickAttempts; i++)
        {
            if (i > 0)
            {
                await Task.Delay(backoff, time, ct).ConfigureAwait(false);
                backoff *= 2;
            }
            int number;
            lock (_gate) number = _counts[messageId] = _counts.GetValueOrDefault(messageId) + 1;
            var result = await attempt(number, ct).ConfigureAwait(false);
            if (result.IsOk) return Finish(messageId, DeliveryResult.Delivered, null);
            last = result.Failure!;
            if (IsFinal(last)) return Finish(messageId, DeliveryResult.Refused, last);
            if (EndsRun(last)) break;
        }
        if (time.GetUtcNow() - createdAt > maxAge) return Finish(messageId, DeliveryResult.Expired, last);
        lock (_gate) return new DeliveryOutcome(DeliveryResult.RetryLater, _counts.GetValueOrDefault(messageId), last);
    }

    private DeliveryOutcome Finish(string messageId, DeliveryResult result, Failure? last)
    {
        lock (_gate)
        {
            _counts.Remove(messageId, out var attempts);
            return new DeliveryOutcome(result, attempts, last);
        }
    }
}
