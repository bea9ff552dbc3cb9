using System.Diagnostics;
using Appliance.Plugins.Rtsp.Protocol.Rtsp;

namespace Appliance.Plugins.RtspServer.Plugin.Tests;

/// <summary>One camera pull fanned out to many RTSP clients; a client that stops reading costs nobody else a frame.</summary>
public sealed class FanOutTests
{
    [Fact]
    public async Task Fifty_clients_keep_full_frame_rate_while_one_stops_reading_and_that_one_resumes_at_a_keyframe()
    {
        // A client queue of 64 units (2.5 s at 25 fps; the default is 256): small enough that the stalled client
        // overflows within the window, large enough that a burst from the camera or a pause of this loaded test
        // process does not overflow every queue at once (with 16 units all 49 readers lost the same GOP now and then).
        await using var rig = await ServerRig.StartAsync("--width 640 --height 360 --bitrate 4000 --pattern snow",
            "\"authentication\":\"none\",\"sendTimeoutSeconds\":300,\"sessionTimeoutSeconds\":300,\"clientQueueUnits\":64");
        var stalled = await RawRtspClient.ConnectAsync(rig.Port, receiveBuffer: 65536);
        await stalled.PlayTcpAsync(rig.Url);

        var clients = new List<RawRtspClient>();
        for (var i = 0; i < 49; i++)
        {
            var c = await RawRtspClient.ConnectAsync(rig.Port);
            await c.PlayTcpAsync(rig.Url);
            clients.Add(c);
        }
        using var stop = new CancellationTokenSource();
        var counters = clients.Select(c => CountFramesAsync(c, stop.Token)).ToList();
        await Task.Delay(TimeSpan.FromSeconds(3)); // everyone past the GOP replay
        foreach (var c in counters) c.Measuring = true;
        var hubBefore = rig.Hub.GetStatistics(ServerRig.StreamName)!.UnitsWritten;
        var watch = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(12));
        foreach (var c in counters) c.Measuring = false;
        var published = rig.Hub.GetStatistics(ServerRig.StreamName)!.UnitsWritten - hubBefore;
        var received = counters.Select(c => Interlocked.Read(ref c.Frames)).ToArray();
        var gaps = counters.Select(c => Interlocked.Read(ref c.Gaps)).ToArray();
        Console.WriteLine($"fan-out: hub wrote {published} units in {watch.Elapsed.TotalSeconds:F1} s; clients got min {received.Min()} max {received.Max()}, gaps {gaps.Sum()}");

        // Every reading client got every frame: a frame the server dropped for a client shows as a step of the RTP
        // timestamp over several frame durations (the packetizer keeps the sequence continuous). How far behind the
        // hub a client reads at the end of the window is scheduling on a loaded machine, not loss, so the frame count
        // is only checked to be of the stream's order.
        Assert.True(published > 0, "the camera delivered nothing");
        Assert.All(gaps, g => Assert.True(g == 0, $"a reading client missed frames {g} times"));
        Assert.All(received, r => Assert.True(r >= published / 2, $"a reading client got {r} of {published} frames"));

        // The stalled client: once it reads again, its stream has a gap and resumes at a keyframe (SPS first).
        var resumed = await FindResumeAfterGapAsync(stalled);
        Assert.True(resumed, "after the gap the stalled client did not resume at a keyframe");

        stop.Cancel();
        foreach (var c in counters) await c.Task.ContinueWith(_ => { });
        foreach (var c in clients) await c.DisposeAsync();
        await stalled.DisposeAsync();
    }

    private const uint GapTicks = 90000 / 25 * 3; // three frame durations at the camera's 25 fps

    private sealed class FrameCounter
    {
        public volatile bool Measuring;
        public long Frames;
        public long Gaps;
        public Task Task = Task.CompletedTask;
    }

    private static FrameCounter CountFramesAsync(RawRtspClient client, CancellationToken ct)
    {
        var counter = new FrameCounter();
        counter.Task = Task.Run(async () =>
        {
            uint? last = null;
            while (!ct.IsCancellationRequested)
            {
                var (_, channel, frame) = await client.ReadAsync(ct);
                if (channel != 0 || frame is not { Length: > 12 } || (frame[1] & 0x80) == 0) continue;
                var ts = RtpTimestamp(frame);
                if (counter.Measuring)
                {
                    Interlocked.Increment(ref counter.Frames);
                    if (last is { } previous && unchecked(ts - previous) > GapTicks) Interlocked.Increment(ref counter.Gaps);
                }
                last = ts;
            }
        }, ct);
        return counter;
    }

    private static async Task<bool> FindResumeAfterGapAsync(RawRtspClient client)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        int? last = null;
        long packets = 0, maxJump = 0;
        while (true)
        {
            (RtspResponse?, int, byte[]?) item;
            try { item = await client.ReadAsync(deadline.Token); }
            catch (OperationCanceledException) { throw new TimeoutException($"no gap in {packets} packets, largest timestamp step {maxJump}"); }
            var (_, channel, frame) = item;
            if (channel != 0 || frame is not { Length: > 13 }) continue;
            var seq = (frame[2] << 8) | frame[3];
            // The sequence stays continuous (the packetizer numbers what it sends); the RTP timestamp jumps instead.
            var ts = RtpTimestamp(frame);
            packets++;
            if (last is { } p) maxJump = Math.Max(maxJump, unchecked(ts - (uint)p));
            if (last is { } previous && unchecked(ts - (uint)previous) > GapTicks)
            {
                var nal = frame[12] & 0x1F;
                var inner = nal == 24 ? frame[15] & 0x1F : nal == 28 ? frame[13] & 0x1F : nal;
                return inner is 5 or 7;
            }
            last = (int)ts;
        }
    }

    private static uint RtpTimestamp(byte[] packet) => (uint)((packet[4] << 24) | (packet[5] << 16) | (packet[6] << 8) | packet[7]);
}
