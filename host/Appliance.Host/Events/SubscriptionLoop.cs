using Appliance.Abstractions.Events;
using EventHandler = Appliance.Abstractions.Events.EventHandler;

namespace Appliance.Host.Events;

/// <summary>Delivers one subscription's events in order; retries a failing handler with capped backoff.</summary>
internal sealed class SubscriptionLoop : IAsyncDisposable
{
    private static readonly TimeSpan HandlerTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly OutboxEventBus _bus;
    private readonly string _name;
    private readonly IReadOnlyList<string> _types;
    private readonly EventHandler _handler;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _task = Task.CompletedTask;

    public SubscriptionLoop(OutboxEventBus bus, string name, IReadOnlyList<string> types, EventHandler handler)
    {
        _bus = bus;
        _name = name;
        _types = types;
        _handler = handler;
    }

    public void Start() => _task = Task.Run(() => RunAsync(_stop.Token));

    public void Wake()
    {
        try
        {
            if (_signal.CurrentCount == 0) _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // already signalled
        }
        catch (ObjectDisposedException)
        {
            // stopped
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!ct.IsCancellationRequested)
        {
            IReadOnlyList<EventEnvelope> batch;
            try
            {
                batch = _bus.ReadAfter(_bus.Cursor(_name), _types, 100);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                _bus.Log.LogError(ex, "Reading the outbox for {Subscription} failed", _name);
                await Delay(backoff, ct);
                continue;
            }
            if (batch.Count == 0)
            {
                await WaitForSignal(ct);
                continue;
            }
            foreach (var envelope in batch)
            {
                if (ct.IsCancellationRequested) return;
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    timeout.CancelAfter(HandlerTimeout);
                    await _handler(envelope, timeout.Token);
                    _bus.Acknowledge(_name, envelope.Sequence);
                    backoff = TimeSpan.FromMilliseconds(200);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    _bus.RecordFailure(_name, ex);
                    await Delay(backoff, ct);
                    backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
                    break;
                }
            }
        }
    }

    private async Task WaitForSignal(CancellationToken ct)
    {
        try
        {
            await _signal.WaitAsync(TimeSpan.FromSeconds(2), ct);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task Delay(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, _bus.Time, ct);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            await _task.WaitAsync(TimeSpan.FromSeconds(35));
        }
        catch (TimeoutException)
        {
            _bus.Log.LogWarning("Subscriber {Subscription} did not stop in time", _name);
        }
        _stop.Dispose();
    }
}
