using System.Buffers;
using Appliance.Abstractions.Media;
using Appliance.Testing;
using Xunit;

namespace Appliance.Streams.Tests;

/// <summary><see cref="AccessUnitPool"/> and the reference counting of pooled <see cref="AccessUnit"/>s.</summary>
public sealed class AccessUnitPoolTests
{
    private readonly CountingPool _buffers = new();

    private static byte[] Bytes(int n, byte value) => Enumerable.Repeat(value, n).ToArray();

    [Fact]
    public void TheLastReleaseRecyclesTheObjectAndReturnsItsBuffer()
    {
        var pool = new AccessUnitPool(_buffers, reuseDelay: 0);
        var first = pool.Rent(64, track: 0, timestamp: 100, keyframe: true, afterGap: true);
        first.Append(Bytes(10, 1));
        var generation = first.Generation;
        first.Retain();
        first.Release();
        Assert.Equal(1, _buffers.Outstanding); // one reference still held
        first.Release();
        Assert.Equal(0, _buffers.Outstanding);
        Assert.Equal((0L, 1), (pool.Outstanding, pool.Idle));

        var second = pool.Rent(32, track: 1, timestamp: 200, keyframe: false);
        Assert.Same(first, second);
        Assert.NotEqual(generation, second.Generation);
        Assert.Equal((1, 200L, false, false, 0), (second.Track, second.Timestamp, second.IsKeyframe, second.AfterGap, second.Length));
        second.Append(Bytes(3, 7));
        Assert.Equal(Bytes(3, 7), second.Payload.ToArray());
        second.Release();
        Assert.Equal(1, pool.Created);
        Assert.Equal(0, _buffers.Outstanding);
    }

    [Fact]
    public void ASteadyStreamNeedsOnlyAFewObjects()
    {
        var pool = new AccessUnitPool(_buffers, reuseDelay: 4);
        var live = new Queue<AccessUnit>();
        for (var frame = 0; frame < 1000; frame++)
        {
            var unit = pool.Rent(256, 0, frame, frame % 25 == 0);
            unit.Append(BitConverter.GetBytes((long)frame));
            live.Enqueue(unit);
            if (live.Count > 10) live.Dequeue().Release(); // ten frames in flight at any time
        }
        while (live.Count > 0) live.Dequeue().Release();
        Assert.Equal(10 + 4 + 1, pool.Created);
        Assert.Equal(pool.Created, pool.Idle);
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(0, _buffers.Outstanding);
    }

    [Fact]
    public void AReleasedUnitWaitsForReuseDelayOtherUnitsFirstInFirstOut()
    {
        var pool = new AccessUnitPool(_buffers, reuseDelay: 3);
        var units = Enumerable.Range(0, 4).Select(i => pool.Rent(8, 0, i, false)).ToList();
        foreach (var u in units) u.Release();
        var again = pool.Rent(8, 0, 10, false);
        Assert.Same(units[0], again);               // 4 idle > 3: the oldest one
        var fresh = pool.Rent(8, 0, 11, false);
        Assert.DoesNotContain(fresh, units);        // 3 idle, not more than the delay: a new object
        Assert.Equal(5, pool.Created);
        again.Release();
        fresh.Release();
    }

    [Fact]
    public void EveryUseOfAReleasedUnitThrowsAndChangesNothing()
    {
        var pool = new AccessUnitPool(_buffers, reuseDelay: 0);
        var unit = pool.Rent(16, 0, 1, true);
        unit.Append(Bytes(4, 9));
        unit.Release();

        Assert.Throws<ObjectDisposedException>(() => unit.Release());
        Assert.Throws<ObjectDisposedException>(() => unit.Retain());
        Assert.Throws<ObjectDisposedException>(() => unit.Payload);
        Assert.Throws<ObjectDisposedException>(() => unit.Append(Bytes(1, 1)));
        Assert.Equal((0L, 1, 1L, 0L), (pool.Outstanding, pool.Idle, pool.Created, _buffers.Outstanding));

        // The pool is intact: the object comes back as a clean unit with exactly one reference.
        var next = pool.Rent(16, 0, 2, false);
        Assert.Same(unit, next);
        Assert.Equal(0, next.Length);
        next.Release();
        Assert.Throws<ObjectDisposedException>(() => next.Release());
    }

    [Fact]
    public void AStaleGenerationIsCaughtEvenAfterTheObjectWasHandedOutAgain()
    {
        var pool = new AccessUnitPool(_buffers, reuseDelay: 0);
        var stale = pool.Rent(16, 0, 1, true);
        var staleGeneration = stale.Generation;
        stale.Release();
        var current = pool.Rent(16, 0, 2, false);
        current.Append(Bytes(2, 5));
        Assert.Same(stale, current); // the same object, now another frame

        var e = Assert.Throws<ObjectDisposedException>(() => stale.Release(staleGeneration));
        Assert.Contains("stale", e.Message);
        Assert.Throws<ObjectDisposedException>(() => stale.Retain(staleGeneration));
        Assert.Throws<ObjectDisposedException>(() => stale.GetPayload(staleGeneration));

        // The current frame was not touched: still one reference, its bytes intact.
        var generation = current.Generation;
        Assert.Equal(Bytes(2, 5), current.GetPayload(generation).ToArray());
        current.Retain(generation);
        current.Release(generation);
        Assert.Equal(1, _buffers.Outstanding);
        current.Release(generation);
        Assert.Equal(0, _buffers.Outstanding);
        Assert.Throws<ObjectDisposedException>(() => current.Release(generation));
    }

    [Fact]
    public void AppendGrowsThePooledBufferAndReturnsBothBuffers()
    {
        var pool = new AccessUnitPool(_buffers, reuseDelay: 0);
        var unit = pool.Rent(4, 0, 1, true);
        var data = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();
        unit.Append(data.AsSpan(0, 3));
        unit.Append(data.AsSpan(3));
        Assert.Equal(data, unit.Payload.ToArray());
        Assert.Equal(1, _buffers.Outstanding);
        unit.Release();
        Assert.Equal(0, _buffers.Outstanding);
    }

    [Fact]
    public void IdleUnitsBeyondMaxIdleAreLeftToTheCollector()
    {
        var pool = new AccessUnitPool(_buffers, maxIdle: 2, reuseDelay: 0);
        var units = Enumerable.Range(0, 5).Select(i => pool.Rent(8, 0, i, false)).ToList();
        foreach (var u in units) u.Release();
        Assert.Equal((2, 0L, 5L, 0L), (pool.Idle, pool.Outstanding, pool.Created, _buffers.Outstanding));
    }

    [Fact]
    public void NonPooledUnitsKeepTheirOldBehaviour()
    {
        var unit = AccessUnit.Rent(_buffers, 8, 2, 42, true, afterGap: true);
        Assert.Equal((2, 42L, true, true), (unit.Track, unit.Timestamp, unit.IsKeyframe, unit.AfterGap));
        var generation = unit.Generation;
        unit.Retain();
        unit.Release();
        unit.Release();
        Assert.Equal(0, _buffers.Outstanding);
        Assert.Throws<ObjectDisposedException>(() => unit.Release());
        Assert.Throws<ObjectDisposedException>(() => unit.Retain());
        Assert.Throws<ObjectDisposedException>(() => unit.Payload);
        Assert.Throws<ObjectDisposedException>(() => unit.Release(generation));
        Assert.Equal(0, _buffers.Outstanding); // nothing returned twice
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        Assert.Throws<ArgumentNullException>(() => new AccessUnitPool(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AccessUnitPool(_buffers, reuseDelay: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AccessUnitPool(_buffers, maxIdle: 4, reuseDelay: 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AccessUnitPool(_buffers, maxIdle: -1, reuseDelay: 0));
        var pool = new AccessUnitPool(_buffers);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(-1, 0, 0, false));
        Assert.Throws<ArgumentNullException>(() => AccessUnit.Rent((ArrayPool<byte>)null!, 8, 0, 0, false));
        Assert.Equal((0L, 0L, 0L), (pool.Created, pool.Outstanding, _buffers.Outstanding));
    }
}
