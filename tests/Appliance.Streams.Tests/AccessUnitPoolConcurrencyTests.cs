using System.Buffers.Binary;
using System.Collections.Concurrent;
using Appliance.Abstractions.Media;
using Appliance.Testing;
using Xunit;

namespace Appliance.Streams.Tests;

/// <summary>Pooled units shared by many threads: nothing is corrupted, and every unit and buffer comes back.</summary>
public sealed class AccessUnitPoolConcurrencyTests
{
    private static readonly StreamDescriptor Video = new("camera/a", [new MediaTrack(0, MediaCodec.H264, 90000, "H264", [])]);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly CountingPool _buffers = new();

    /// <summary>A unit whose payload is its serial number repeated, so a reader can tell it was not overwritten.</summary>
    private static AccessUnit Frame(AccessUnitPool pool, long serial, int size, bool keyframe = false)
    {
        var unit = pool.Rent(size, 0, serial, keyframe || serial % 25 == 0);
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(word, serial);
        for (var i = 0; i < size / 8; i++) unit.Append(word);
        return unit;
    }

    private static bool Intact(ReadOnlySpan<byte> payload, long serial)
    {
        for (var i = 0; i + 8 <= payload.Length; i += 8)
            if (BinaryPrimitives.ReadInt64LittleEndian(payload[i..]) != serial) return false;
        return payload.Length > 0;
    }

    [Fact]
    public async Task RetainAndReleaseFromManyThreadsBalanceThePool()
    {
        const int producers = 3, consumers = 6, perProducer = 4000;
        var pool = new AccessUnitPool(_buffers, reuseDelay: 8);
        // Bounded queues: the producers wait for the slowest consumer, as a publisher's subscribers bound a real stream.
        var queues = Enumerable.Range(0, consumers).Select(_ => new BlockingCollection<(AccessUnit Unit, int Generation)>(boundedCapacity: 32)).ToArray();
        var corrupted = 0L;
        var consumed = 0L;
        var readers = queues.Select(queue => Task.Factory.StartNew(() =>
        {
            foreach (var (unit, generation) in queue.GetConsumingEnumerable())
            {
                if (!Intact(unit.GetPayload(generation).Span, unit.Timestamp)) Interlocked.Increment(ref corrupted);
                // Pass one reference through a second retain/release pair, as a consumer that forwards a unit would.
                unit.Retain(generation);
                unit.Release(generation);
                unit.Release(generation);
                Interlocked.Increment(ref consumed);
            }
        }, TaskCreationOptions.LongRunning)).ToList();
        var writers = Enumerable.Range(0, producers).Select(p => Task.Factory.StartNew(() =>
        {
            for (var i = 0; i < perProducer; i++)
            {
                var serial = (long)p * perProducer + i;
                var unit = Frame(pool, serial, 64 + (int)(serial % 5) * 512);
                var generation = unit.Generation;
                // One reference per consumer, taken before any of them can release.
                for (var c = 1; c < consumers; c++) unit.Retain();
                foreach (var queue in queues) queue.Add((unit, generation));
            }
        }, TaskCreationOptions.LongRunning)).ToList();

        await Task.WhenAll(writers).WaitAsync(Patience);
        foreach (var queue in queues) queue.CompleteAdding();
        await Task.WhenAll(readers).WaitAsync(Patience);

        Assert.Equal(0, Interlocked.Read(ref corrupted));
        Assert.Equal(producers * perProducer * consumers, Interlocked.Read(ref consumed));
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(0, _buffers.Outstanding);
        Assert.Equal(pool.Created, pool.Idle);
        Assert.True(pool.Created < producers * perProducer, $"{pool.Created} objects for {producers * perProducer} units: they were reused");
        foreach (var queue in queues) queue.Dispose();
    }

    [Fact]
    public async Task ReadingThePayloadWhileOthersRetainAndReleaseNeverThrows()
    {
        var pool = new AccessUnitPool(_buffers);
        var unit = Frame(pool, 7, 64);
        var generation = unit.Generation;
        var churned = 0L;
        using var stop = new CancellationTokenSource();
        var churn = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                unit.Retain(generation);
                unit.Release(generation);
                Interlocked.Increment(ref churned);
            }
        }, TaskCreationOptions.LongRunning)).ToList();
        long reads = 0;
        try
        {
            // Read for as long as the others make 4 000 000 retain/release pairs (the count moves all the time).
            while (Interlocked.Read(ref churned) < 4_000_000 && !churn.Any(t => t.IsCompleted))
            {
                if (!Intact(unit.Payload.Span, 7)) throw new InvalidOperationException("payload changed under a held reference");
                reads++;
            }
        }
        finally
        {
            stop.Cancel();
        }
        await Task.WhenAll(churn).WaitAsync(Patience);
        Assert.True(reads > 0);
        unit.Release(generation);
        Assert.Equal((0L, 0L), (pool.Outstanding, _buffers.Outstanding));
    }

    [Fact]
    public async Task PooledUnitsThroughTheHubToConcurrentReadersComeBackIntact()
    {
        const int count = 20000;
        var pool = new AccessUnitPool(_buffers);
        var hub = new StreamHub();
        var subs = Enumerable.Range(0, 3).Select(_ => hub.Subscribe("camera/a", capacity: 16)).ToList();
        var corrupted = 0L;
        var readers = subs.Select(s => Task.Run(async () =>
        {
            long read = 0;
            while (true)
            {
                var unit = await s.ReadAsync(CancellationToken.None);
                var serial = unit.Timestamp;
                if (!Intact(unit.Payload.Span, serial)) Interlocked.Increment(ref corrupted);
                read++;
                unit.Release();
                if (serial == count - 1) return read;
            }
        })).ToList();
        var publisher = Task.Run(() =>
        {
            using var pub = hub.Publish(Video);
            // The last unit is a keyframe, so every reader gets it however far it fell behind.
            for (var i = 0; i < count; i++) pub.Write(Frame(pool, i, 256, keyframe: i == count - 1));
        });

        await publisher.WaitAsync(Patience);
        var reads = await Task.WhenAll(readers).WaitAsync(Patience);

        Assert.Equal(0, Interlocked.Read(ref corrupted));
        for (var i = 0; i < subs.Count; i++)
        {
            Assert.Equal(count, reads[i] + subs[i].Dropped);
            subs[i].Dispose();
        }
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(0, _buffers.Outstanding);
        Assert.Equal(pool.Created, pool.Idle);
        Assert.True(pool.Created < count, $"{pool.Created} objects for {count} units");
    }
}
