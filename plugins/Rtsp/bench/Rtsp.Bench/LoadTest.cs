using System.Diagnostics;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Client;
using Appliance.Plugins.Rtsp.Protocol.Sdp;
using Appliance.Streams;

namespace Appliance.Plugins.Rtsp.Bench;

/// <summary>
/// N real RTSP pulls over loopback TCP from the replay server (another process) into a hub with one draining
/// consumer each; CPU of this process per stream, next to ffmpeg pulling the same source with
/// <c>ffmpeg -rtsp_transport tcp -i URL -c copy -f null -</c>.
/// </summary>
public static class LoadTest
{
    public sealed record Result(int Streams, double CpuPercentOfOneCore, double MbitPerSecond, double BytesAllocatedPerPacket, long Packets, long Lost);

    public static async Task<Result> OursAsync(string url, int streams, TimeSpan warmup, TimeSpan measure)
    {
        var hub = new StreamHub();
        using var cts = new CancellationTokenSource();
        var sessions = new List<RtspPullSession>();
        var runs = new List<Task<RtspPullOutcome>>();
        var consumers = new List<Task>();
        var observers = new List<HubObserver>();
        var pool = IngestBufferPool.Create();
        var units = new AccessUnitPool(pool); // one per plugin instance, as in RtspPlugin
        for (var i = 0; i < streams; i++)
        {
            var name = $"camera/load{i}";
            var observer = new HubObserver(hub, name);
            observers.Add(observer);
            var session = new RtspPullSession(new RtspPullOptions(url) { Pool = pool, Units = units }, observer);
            sessions.Add(session);
            runs.Add(session.RunAsync(cts.Token));
            consumers.Add(ConsumeAsync(hub.Subscribe(name, 512), cts.Token));
        }
        await Task.Delay(warmup);
        var failed = runs.Where(r => r.IsCompleted).Select(r => r.Result.Message).ToList();
        if (failed.Count > 0) throw new InvalidOperationException("pull ended during warm-up: " + failed[0]);

        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var alloc0 = GC.GetTotalAllocatedBytes(precise: true);
        var (packets0, lost0) = Totals(sessions);
        var bytes0 = sessions.Sum(s => s.ControlBytesReceived);
        var clock = Stopwatch.StartNew();
        await Task.Delay(measure);
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - alloc0;
        var (packets1, lost1) = Totals(sessions);
        var bytes = sessions.Sum(s => s.ControlBytesReceived) - bytes0;
        var wall = clock.Elapsed.TotalSeconds;

        cts.Cancel();
        await Task.WhenAll(runs);
        await Task.WhenAll(consumers);
        foreach (var o in observers) o.Dispose();
        var packets = packets1 - packets0;
        return new Result(streams, 100 * cpu / wall, bytes * 8 / wall / 1e6, packets == 0 ? 0 : (double)allocated / packets, packets, lost1 - lost0);
    }

    public static async Task<Result> FfmpegAsync(string url, int processes, TimeSpan warmup, TimeSpan measure)
    {
        var started = new List<Process>();
        try
        {
            for (var i = 0; i < processes; i++)
            {
                var psi = new ProcessStartInfo("/usr/bin/ffmpeg", $"-nostdin -loglevel error -rtsp_transport tcp -i {url} -c copy -f null -")
                {
                    RedirectStandardError = true,
                    RedirectStandardOutput = true,
                };
                var p = Process.Start(psi)!;
                p.ErrorDataReceived += (_, _) => { };
                p.BeginErrorReadLine();
                started.Add(p);
            }
            await Task.Delay(warmup);
            if (started.Any(p => p.HasExited)) throw new InvalidOperationException("ffmpeg exited during warm-up");
            var cpu0 = started.Sum(p => { p.Refresh(); return p.TotalProcessorTime.TotalSeconds; });
            var clock = Stopwatch.StartNew();
            await Task.Delay(measure);
            var cpu = started.Sum(p => { p.Refresh(); return p.TotalProcessorTime.TotalSeconds; }) - cpu0;
            return new Result(processes, 100 * cpu / clock.Elapsed.TotalSeconds, 0, 0, 0, 0);
        }
        finally
        {
            foreach (var p in started)
            {
                try { if (!p.HasExited) p.Kill(); p.WaitForExit(5000); } catch (InvalidOperationException) { }
                p.Dispose();
            }
        }
    }

    private static (long Packets, long Lost) Totals(List<RtspPullSession> sessions)
    {
        long packets = 0, lost = 0;
        foreach (var s in sessions)
            foreach (var t in s.Snapshot())
            {
                packets += t.PacketsReceived;
                lost += t.PacketsLost;
            }
        return (packets, lost);
    }

    private static async Task ConsumeAsync(IStreamSubscription subscription, CancellationToken ct)
    {
        try
        {
            while (true) (await subscription.ReadAsync(ct)).Release();
        }
        catch (OperationCanceledException) { }
        finally { subscription.Dispose(); }
    }

    private sealed class HubObserver(StreamHub hub, string name) : IRtspPullObserver, IDisposable
    {
        private IStreamPublisher? _publisher;

        public void OnPlaying(RtspPullDescription description) =>
            _publisher ??= hub.Publish(new StreamDescriptor(name, description.Tracks.Select(t => t.ToMediaTrack()).ToList()));

        public void OnAccessUnit(SdpTrack track, AccessUnit unit)
        {
            if (_publisher is { } p) p.Write(unit);
            else unit.Release();
        }

        public void OnParametersChanged(SdpTrack track, IReadOnlyList<byte[]> parameters) { }

        public void Dispose() => _publisher?.Dispose();
    }
}
