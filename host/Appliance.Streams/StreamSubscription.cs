using System.Threading.Tasks.Sources;
using Appliance.Abstractions.Media;

namespace Appliance.Streams;

/// <summary>
/// A bounded queue of units for one consumer. When it is full the consumer is too slow: everything queued is
/// dropped (counted) and the queue resumes at the next keyframe, so the publisher never waits. A new
/// subscription also starts at a keyframe (the GOP cache, or the next one). One reader at a time.
/// </summary>
internal sealed class StreamSubscription : IStreamSubscription, IValueTaskSource<AccessUnit>
{
    private readonly object _gate = new();
    private readonly StreamChannel _channel;
    private readonly AccessUnit[] _ring;
    private int _head;
    private int _count;
    private bool _skipping = true;
    private bool _disposed;
    private bool _waiting;
    private long _dropped;
    private ManualResetValueTaskSourceCore<AccessUnit> _waiter = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _cancellation;

    public StreamSubscription(StreamChannel channel, int capacity)
    {
        _channel = channel;
        _ring = new AccessUnit[capacity];
    }

    public StreamDescriptor? Descriptor => _channel.Descriptor;

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Units waiting to be read.</summary>
    public int Queued
    {
        get { lock (_gate) return _count; }
    }

    /// <summary>Starts the queue with the cached GOP (first unit is a keyframe). Called under the channel lock.</summary>
    public void Prime(List<AccessUnit> gop)
    {
        lock (_gate)
        {
            foreach (var unit in gop)
            {
                unit.Retain();
                EnqueueLocked(unit);
            }
            _skipping = false;
        }
    }

    /// <summary>Offers a unit (the caller keeps its reference; this takes its own if it accepts).</summary>
    public void Offer(AccessUnit unit, bool isKey)
    {
        lock (_gate)
        {
            if (_disposed) return;
            if (_skipping && !isKey)
            {
                _dropped++;
                return;
            }
            _skipping = false;
            if (_waiting)
            {
                unit.Retain();
                _waiting = false;
                _waiter.SetResult(unit);
                return;
            }
            if (_count == _ring.Length)
            {
                // Too slow: drop the backlog and resume at a keyframe.
                _dropped += _count;
                ReleaseQueuedLocked();
                if (!isKey)
                {
                    _skipping = true;
                    _dropped++;
                    return;
                }
            }
            unit.Retain();
            EnqueueLocked(unit);
        }
    }

    public ValueTask<AccessUnit> ReadAsync(CancellationToken cancellationToken)
    {
        short version;
        lock (_gate)
        {
            if (_count > 0) return new ValueTask<AccessUnit>(DequeueLocked());
            if (_disposed) return ValueTask.FromException<AccessUnit>(new ObjectDisposedException(nameof(IStreamSubscription)));
            if (_waiting) throw new InvalidOperationException("only one ReadAsync may be pending on a subscription");
            if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<AccessUnit>(cancellationToken);
            _waiter.Reset();
            _waiting = true;
            version = _waiter.Version;
            // Inside the lock: a unit cannot complete the wait before the registration is stored (Monitor is re-entrant
            // if the token fires right here).
            if (cancellationToken.CanBeCanceled)
                _cancellation = cancellationToken.UnsafeRegister(static (state, token) => ((StreamSubscription)state!).Cancel(token), this);
        }
        return new ValueTask<AccessUnit>(this, version);
    }

    /// <summary>Takes a queued unit without waiting.</summary>
    public bool TryRead(out AccessUnit? unit)
    {
        lock (_gate)
        {
            unit = _count > 0 ? DequeueLocked() : null;
            return unit is not null;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            ReleaseQueuedLocked();
            if (_waiting)
            {
                _waiting = false;
                _waiter.SetException(new ObjectDisposedException(nameof(IStreamSubscription)));
            }
        }
        _channel.RemoveSubscriber(this);
    }

    private void Cancel(CancellationToken token)
    {
        lock (_gate)
        {
            if (!_waiting) return;
            _waiting = false;
            _waiter.SetException(new OperationCanceledException(token));
        }
    }

    private void EnqueueLocked(AccessUnit unit)
    {
        _ring[(_head + _count) % _ring.Length] = unit;
        _count++;
    }

    private AccessUnit DequeueLocked()
    {
        var unit = _ring[_head];
        _ring[_head] = null!;
        _head = (_head + 1) % _ring.Length;
        _count--;
        return unit;
    }

    private void ReleaseQueuedLocked()
    {
        while (_count > 0) DequeueLocked().Release();
        _head = 0;
    }

    AccessUnit IValueTaskSource<AccessUnit>.GetResult(short token)
    {
        _cancellation.Unregister();
        _cancellation = default;
        return _waiter.GetResult(token);
    }

    ValueTaskSourceStatus IValueTaskSource<AccessUnit>.GetStatus(short token) => _waiter.GetStatus(token);

    void IValueTaskSource<AccessUnit>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _waiter.OnCompleted(continuation, state, token, flags);
}
