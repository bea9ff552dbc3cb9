using Appliance.Abstractions.Media;
using Appliance.Testing;
using Xunit;

namespace Appliance.Streams.Tests;

public sealed class StreamHubTests
{
    private static readonly StreamDescriptor Video = new("camera/a", [new MediaTrack(0, MediaCodec.H264, 90000, "H264", [])]);
    private static readonly StreamDescriptor VideoAudio = new("camera/a",
        [new MediaTrack(0, MediaCodec.H264, 90000, "H264", []), new MediaTrack(1, MediaCodec.Aac, 16000, "MPEG4-GENERIC", [], 1)]);

    private readonly CountingPool _pool = new();

    private AccessUnit Unit(long ts, bool key, int track = 0)
    {
        var unit = AccessUnit.Rent(_pool, 64, track, ts, key);
        unit.Append(BitConverter.GetBytes(ts));
        return unit;
    }

    private static List<(long Ts, bool Key)> Drain(IStreamSubscription s)
    {
        var list = new List<(long, bool)>();
        while (((StreamSubscription)s).TryRead(out var u))
        {
            list.Add((u!.Timestamp, u.IsKeyframe));
            u.Release();
        }
        return list;
    }

    [Fact]
    public void LateJoinerStartsAtTheCachedKeyframe()
    {
        var hub = new StreamHub();
        using var pub = hub.Publish(Video);
        pub.Write(Unit(1, false));
        pub.Write(Unit(2, true));
        pub.Write(Unit(3, false));
        pub.Write(Unit(4, false));
        using var late = hub.Subscribe("camera/a");
        pub.Write(Unit(5, false));
        Assert.Equal([(2L, true), (3L, false), (4L, false), (5L, false)], Drain(late));
        Assert.Equal(0, late.Dropped);
    }

    [Fact]
    public void EarlySubscriberWaitsForTheFirstKeyframe()
    {
        var hub = new StreamHub();
        using var sub = hub.Subscribe("camera/a");
        using var pub = hub.Publish(Video);
        pub.Write(Unit(1, false));
        pub.Write(Unit(2, false));
        pub.Write(Unit(3, true));
        pub.Write(Unit(4, false));
        Assert.Equal([(3L, true), (4L, false)], Drain(sub));
        Assert.Equal(2, sub.Dropped);
    }

    [Fact]
    public void OnePublisherFansOutToThreeSubscribersInOrder()
    {
        var hub = new StreamHub();
        var subs = Enumerable.Range(0, 3).Select(_ => hub.Subscribe("camera/a")).ToList();
        using (var pub = hub.Publish(Video))
        {
            for (var i = 0; i < 50; i++) pub.Write(Unit(i, i % 10 == 0));
        }
        var expected = Enumerable.Range(0, 50).Select(i => ((long)i, i % 10 == 0)).ToList();
        foreach (var s in subs)
        {
            Assert.Equal(expected, Drain(s));
            s.Dispose();
        }
        var stats = hub.GetStatistics("camera/a");
        Assert.Null(stats); // no publisher, no subscriber: the stream is gone
        Assert.Equal(0, _pool.Outstanding);
    }

    [Fact]
    public void SlowSubscriberSkipsToTheNextKeyframeWithoutBlockingThePublisher()
    {
        var hub = new StreamHub();
        using var pub = hub.Publish(Video);
        using var fast = hub.Subscribe("camera/a", capacity: 64);
        using var slow = hub.Subscribe("camera/a", capacity: 4);
        // 3 GOPs of 10 frames that the slow subscriber does not read, then the start of a 4th.
        var fastSeen = new List<(long, bool)>();
        for (var i = 0; i < 32; i++)
        {
            pub.Write(Unit(i, i % 10 == 0));
            fastSeen.AddRange(Drain(fast));
        }
        Assert.Equal(32, fastSeen.Count);
        var slowSeen = Drain(slow);
        Assert.Equal([(30L, true), (31L, false)], slowSeen);
        Assert.Equal(30, slow.Dropped);
        Assert.Equal(0, fast.Dropped);
    }

    [Fact]
    public void AudioFollowsTheVideoKeyframeOfTheKeyTrack()
    {
        var hub = new StreamHub();
        using var pub = hub.Publish(VideoAudio);
        pub.Write(Unit(1, true, track: 1)); // audio "keyframe" does not start a GOP
        pub.Write(Unit(2, true, track: 0));
        pub.Write(Unit(3, true, track: 1));
        using var late = hub.Subscribe("camera/a");
        Assert.Equal([(2L, true), (3L, true)], Drain(late));
    }

    [Fact]
    public void SecondPublisherIsRefusedAndSubscriptionsOutliveAPublisher()
    {
        var hub = new StreamHub();
        using var sub = hub.Subscribe("camera/a");
        var first = hub.Publish(Video);
        Assert.Throws<InvalidOperationException>(() => hub.Publish(Video));
        first.Write(Unit(1, true));
        first.Dispose();
        Assert.Throws<ObjectDisposedException>(() => first.Write(Unit(9, true)));
        Assert.Empty(hub.Streams);
        using var second = hub.Publish(Video);
        second.Write(Unit(2, true));
        Assert.Equal([(1L, true), (2L, true)], Drain(sub));
        Assert.Equal(2, hub.GetStatistics("camera/a")!.PublishersAttached);
        Assert.Single(hub.Streams);
    }

    [Fact]
    public async Task ReadAsyncWaitsForAUnitAndHonoursCancellationAndDisposal()
    {
        var hub = new StreamHub();
        using var pub = hub.Publish(Video);
        using var sub = hub.Subscribe("camera/a");
        var pending = sub.ReadAsync(CancellationToken.None);
        Assert.False(pending.IsCompleted);
        pub.Write(Unit(7, true));
        var unit = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(7, unit.Timestamp);
        unit.Release();

        using var cts = new CancellationTokenSource();
        var cancelled = sub.ReadAsync(cts.Token).AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(TimeSpan.FromSeconds(10)));

        var disposedRead = sub.ReadAsync(CancellationToken.None).AsTask();
        sub.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => disposedRead.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, _pool.Outstanding - 1); // only the GOP cache holds the keyframe
    }

    [Fact]
    public void DescriptorUpdatesReachSubscribers()
    {
        var hub = new StreamHub();
        using var sub = hub.Subscribe("camera/a");
        Assert.Null(sub.Descriptor);
        using var pub = hub.Publish(Video);
        Assert.Same(Video, sub.Descriptor);
        pub.Update(VideoAudio);
        Assert.Same(VideoAudio, sub.Descriptor);
        Assert.Throws<ArgumentException>(() => pub.Update(Video with { Name = "camera/b" }));
    }

    [Fact]
    public void GopCacheOverflowMakesLateJoinersWaitForTheNextKeyframe()
    {
        var hub = new StreamHub(new StreamHubOptions(MaxGopUnits: 5));
        using var pub = hub.Publish(Video);
        for (var i = 0; i < 8; i++) pub.Write(Unit(i, i == 0));
        Assert.Equal(0, hub.GetStatistics("camera/a")!.GopUnits);
        using var late = hub.Subscribe("camera/a");
        pub.Write(Unit(8, false));
        pub.Write(Unit(9, true));
        Assert.Equal([(9L, true)], Drain(late));
    }

    [Fact]
    public void EveryBufferReturnsToThePoolWhenAllIsDisposed()
    {
        var hub = new StreamHub();
        var subs = Enumerable.Range(0, 3).Select(i => hub.Subscribe("camera/a", capacity: 3 + i)).ToList();
        var pub = hub.Publish(Video);
        for (var i = 0; i < 100; i++) pub.Write(Unit(i, i % 7 == 0));
        Drain(subs[0]);
        Assert.True(_pool.Outstanding > 0);
        foreach (var s in subs) s.Dispose();
        pub.Dispose();
        Assert.Equal(0, _pool.Outstanding);
    }

    [Fact]
    public async Task ConcurrentPublisherAndReadersKeepOrderAndBalance()
    {
        var hub = new StreamHub();
        var subs = Enumerable.Range(0, 3).Select(_ => hub.Subscribe("camera/a", capacity: 32)).ToList();
        const int count = 20000;
        using var done = new CancellationTokenSource();
        var readers = subs.Select(s => Task.Run(async () =>
        {
            long last = -1, read = 0;
            try
            {
                while (true)
                {
                    var u = await s.ReadAsync(done.Token);
                    Assert.True(u.Timestamp > last, "units arrive in publish order");
                    last = u.Timestamp;
                    read++;
                    u.Release();
                    if (last == count - 1) return read;
                }
            }
            catch (OperationCanceledException)
            {
                return read;
            }
        })).ToList();
        var publisher = Task.Run(() =>
        {
            using var pub = hub.Publish(Video);
            for (var i = 0; i < count; i++) pub.Write(Unit(i, i % 25 == 0));
        });
        await publisher.WaitAsync(TimeSpan.FromSeconds(60));
        done.CancelAfter(TimeSpan.FromSeconds(5));
        var reads = await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(60));
        for (var i = 0; i < subs.Count; i++)
        {
            Assert.Equal(count, reads[i] + subs[i].Dropped);
            subs[i].Dispose();
        }
        Assert.Equal(0, _pool.Outstanding);
    }
}
