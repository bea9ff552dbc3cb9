using Appliance.Abstractions.Events;
using EventHandler = Appliance.Abstractions.Events.EventHandler;

namespace Appliance.Host.Events;

/// <summary>
/// Delivers one subscription's events in order; retries a failing handler with capped backoff. An event handler
/// takes one event at a time and the cursor moves after each; a batch handler takes runs of events and the cursor
/// moves past the part of the run it delivered.
/// </summary>
internal sealed class SubscriptionLoop : IAsyncDisposable
{
    private const int ReadLimit = 100;
    private static readonly TimeSpan HandlerTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly OutboxEventBus _bus;
    private readonly string _name;
    private readonly IReadOnlyList<string> _types;
    private readonly EventHandler? _handler;
    private readonly BatchEventHandler? _batchHandler;
    private readonly int _readLimit = ReadLimit;
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

    public SubscriptionLoop(OutboxEventBus bus, string name, IReadOnlyList<string> types, BatchEventHandler handler, int maxBatch)
    {
        _bus = bus;
        _name = name;
        _types = types;
        _batchHandler = handler;
        _readLimit = maxBatch;
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
                batch = _bus.ReadAfter(_bus.Cursor(_name), _types, _readLimit);
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
            bool delivered;
            try
            {
                delivered = _batchHandler is null ? await DeliverOneByOneAsync(batch, ct) : await DeliverRunAsync(batch, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            if (delivered)
            {
                backoff = TimeSpan.FromMilliseconds(200);
                continue;
            }
            await Delay(backoff, ct);
            backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
        }
    }

    /// <summary>Each event to the handler, the cursor past it when it returned; false at the first failure.</summary>
    private async Task<bool> DeliverOneByOneAsync(IReadOnlyList<EventEnvelope> batch, CancellationToken ct)
    {
        foreach (var envelope in batch)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(HandlerTimeout);
                await _handler!(envelope, timeout.Token);
                _bus.Acknowledge(_name, envelope.Sequence);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                _bus.RecordFailure(_name, ex);
                return false;
            }
        }
        return true;
    }

    /// <summary>The run to the batch handler, the cursor past the part it delivered; false unless it delivered all.</summary>
    private async Task<bool> DeliverRunAsync(IReadOnlyList<EventEnvelope> batch, CancellationToken ct)
    {
        int delivered;
        Exception? failure = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(HandlerTimeout);
            delivered = Math.Clamp(await _batchHandler!(batch, timeout.Token), 0, batch.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            delivered = 0;
            failure = ex;
        }
        if (delivered > 0) _bus.Acknowledge(_name, batch[delivered - 1].Sequence, delivered);
        if (delivered == batch.Count) return true;
        _bus.RecordFailure(_name, failure ?? new IncompleteRunException(delivered, batch.Count));
        return false;
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

/// <summary>A batch handler delivered only the start of a run; the rest is handed over again.</summary>
internal sealed class IncompleteRunException(int delivered, int count)
    : Exception($"delivered {delivered} of a run of {count} events; the rest will be delivered again");
