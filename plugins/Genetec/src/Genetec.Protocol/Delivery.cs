using System.Collections.Concurrent;
using Appliance.Abstractions;

namespace Appliance.Plugins.Genetec.Protocol;

public enum DeliveryState { Delivered, NotYet, Expired }

/// <summary>What became of one send: its state, the attempts counted so far for that message, the last failure.</summary>
public sealed record DeliveryOutcome(DeliveryState State, int Attempts, Failure? LastFailure);

/// <summary>
/// Delivery of one message with the outbox behind it: up to <c>quickAttempts</c> tries in a row (pause doubling from
/// <c>firstPause</c>); still failing, <see cref="DeliveryState.NotYet"/> (the caller throws so the outbox keeps the
/// message and hands it again later) unless the message is older than <c>maxAge</c>, then
/// <see cref="DeliveryState.Expired"/>. Attempts are counted per message key across calls until it is done.
/// </summary>
public sealed class Delivery(TimeProvider time, int quickAttempts, TimeSpan firstPause, TimeSpan maxAge)
{
    private readonly ConcurrentDictionary<string, int> _attempts = new();

    public async Task<DeliveryOutcome> RunAsync(string key, DateTimeOffset createdAt, Func<CancellationToken, Task<Result<string>>> send, CancellationToken ct)
    {
        Failure? last = null;
        var pause = firstPause;
        for (var attempt = 1; attempt <= quickAttempts; attempt++)
        {
            var total = _attempts.AddOrUpdate(key, 1, (_, n) => n + 1);
            var result = await send(ct);
            if (result.IsOk) return Finish(key, DeliveryState.Delivered, total, null);
            last = result.Failure;
            if (attempt == quickAttempts) break;
            await Task.Delay(pause, time, ct);
            pause += pause;
        }
        var attempts = _attempts.GetValueOrDefault(key);
        return time.GetUtcNow() - createdAt > maxAge
            ? Finish(key, DeliveryState.Expired, attempts, last)
            : new DeliveryOutcome(DeliveryState.NotYet, attempts, last);
    }

    private DeliveryOutcome Finish(string key, DeliveryState state, int attempts, Failure? last)
    {
        _attempts.TryRemove(key, out _);
        return new DeliveryOutcome(state, attempts, last);
    }
}
