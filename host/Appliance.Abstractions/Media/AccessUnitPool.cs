using System.Buffers;

namespace Appliance.Abstractions.Media;

/// <summary>
/// Reusable <see cref="AccessUnit"/> objects for one producer (a plugin instance or a session), so a steady stream
/// allocates nothing per frame: when a unit's last reference is released its buffer goes back to
/// <see cref="Buffers"/> and the object comes back here, to be handed out again by <see cref="Rent"/> as a new
/// generation. Thread-safe: units may be rented on one thread and released on any.
/// </summary>
/// <remarks>
/// Idle units are reused first in, first out, and only once more than <c>reuseDelay</c> of them are idle, so a
/// released unit stays released (every use of it throws) while that many later frames come and go. That makes a
/// stale reference loud; it does not make one safe. The rule stays: never touch a unit after your last release
/// (<see cref="AccessUnit.Generation"/> catches a stale reference for certain).
/// </remarks>
public sealed class AccessUnitPool
{
    private readonly object _gate = new();
    private readonly Queue<AccessUnit> _idle;
    private readonly int _maxIdle;
    private readonly int _reuseDelay;
    private long _created;
    private long _outstanding;

    /// <param name="buffers">Where the units' buffers come from and go back to.</param>
    /// <param name="maxIdle">Idle units kept for reuse; past that a released unit is left to the GC.</param>
    /// <param name="reuseDelay">Idle units kept back before one is reused (0: reuse at once).</param>
    public AccessUnitPool(ArrayPool<byte> buffers, int maxIdle = 4096, int reuseDelay = 16)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        ArgumentOutOfRangeException.ThrowIfNegative(reuseDelay);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxIdle, reuseDelay);
        Buffers = buffers;
        _maxIdle = maxIdle;
        _reuseDelay = reuseDelay;
        _idle = new Queue<AccessUnit>(Math.Min(maxIdle, 64));
    }

    /// <summary>The buffer pool every unit of this pool rents from.</summary>
    public ArrayPool<byte> Buffers { get; }

    /// <summary>Unit objects this pool has ever allocated.</summary>
    public long Created => Interlocked.Read(ref _created);

    /// <summary>Units rented and not yet released for the last time.</summary>
    public long Outstanding => Interlocked.Read(ref _outstanding);

    /// <summary>Units waiting to be reused.</summary>
    public int Idle
    {
        get { lock (_gate) return _idle.Count; }
    }

    /// <summary>A unit with a buffer of at least <paramref name="capacity"/> bytes, one reference held by the caller.</summary>
    public AccessUnit Rent(int capacity, int track, long timestamp, bool keyframe, bool afterGap = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        AccessUnit? unit = null;
        lock (_gate)
        {
            if (_idle.Count > _reuseDelay) unit = _idle.Dequeue();
        }
        if (unit is null)
        {
            unit = new AccessUnit(Buffers, this);
            Interlocked.Increment(ref _created);
        }
        unit.Start(capacity, track, timestamp, keyframe, afterGap);
        Interlocked.Increment(ref _outstanding);
        return unit;
    }

    /// <summary>Called by the unit after its last release (buffer already returned).</summary>
    internal void Return(AccessUnit unit)
    {
        Interlocked.Decrement(ref _outstanding);
        lock (_gate)
        {
            if (_idle.Count < _maxIdle) _idle.Enqueue(unit);
        }
    }
}
