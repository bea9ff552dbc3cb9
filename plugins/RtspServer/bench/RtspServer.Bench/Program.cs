using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Appliance.Benchmarking;
using Appliance.Plugins.Rtsp.Bench;
using Appliance.Plugins.RtspServer.Bench;

// Fan-out of one 1080p25 ~4 Mbit/s H.264 camera (canned x264 clip replayed over RTSP/TCP on loopback) to 1, 10, 50
// and 100 RTSP/TCP clients: our server (ingest plugin + StreamHub + RtspServer plugin, in a child process) against
// GStreamer's rtsp-server relaying the same camera with a shared factory (gst_relay.py), both measured from /proc.
// Modes: (none) = full run, exit 1 when a target is NOT met; --smoke = 2 clients, seconds, no targets;
//        --serve-ours <camera url> = our server (child process). Options: --clients 1,10,50,100 --seconds 8 --warmup 3 --settle 5.
if (args.Length >= 2 && args[0] == "--serve-ours") return await OursServer.RunAsync(args[1]);

var report = BenchReport.FromArgs(args);
var steps = (Option("--clients") ?? (report.Smoke ? "2" : "1,10,50,100")).Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var seconds = double.Parse(Option("--seconds") ?? (report.Smoke ? "2" : "8"), CultureInfo.InvariantCulture);
var warmup = double.Parse(Option("--warmup") ?? (report.Smoke ? "1" : "3"), CultureInfo.InvariantCulture);
// The first step waits longer: both servers past start-up (our JIT tiering, the relay's pipeline) before any figure.
var settle = double.Parse(Option("--settle") ?? (report.Smoke ? "0" : "5"), CultureInfo.InvariantCulture);
const int TargetClients = 50;

var clip = CannedClip.Create(Path.Combine(AppContext.BaseDirectory, "rtsp-server-bench-clip-1080p25-4M.h264"));
var clipMbit = clip.Bytes * 8 / (clip.Frames.Count / (double)CannedClip.Fps) / 1e6;
using var stopCamera = new CancellationTokenSource();
var cameraListener = new TcpListener(IPAddress.Loopback, 0);
cameraListener.Start();
var cameraUrl = $"rtsp://127.0.0.1:{((IPEndPoint)cameraListener.LocalEndpoint).Port}/replay";
var camera = new ReplayServer(clip).RunAsync(cameraListener, stopCamera.Token);

Dictionary<int, Step> ours, gst;
try
{
    ours = await MeasureAsync("ours", OursStartInfo(cameraUrl));
    gst = await MeasureAsync("gstreamer", new ProcessStartInfo("/usr/bin/python3",
        [Path.Combine(AppContext.BaseDirectory, "gst_relay.py"), "--port", OursServer.FreeTcpPort().ToString(CultureInfo.InvariantCulture), "--camera", cameraUrl]));
}
finally
{
    stopCamera.Cancel();
    cameraListener.Stop();
    try { await camera.WaitAsync(TimeSpan.FromSeconds(10)); } catch (Exception e) when (e is OperationCanceledException or TimeoutException or SocketException) { }
}

Console.WriteLine($"RTSP server fan-out: one H.264 1920x1080 25 fps camera at {clipMbit:0.0} Mbit/s (x264 clip replayed over RTSP/TCP on loopback), " +
                  $"RTSP/TCP interleaved clients in the bench process, {seconds:0.#} s measured per step after {warmup:0.#} s; " +
                  $"server CPU (utime+stime) and RSS from /proc/<pid>; {Environment.ProcessorCount} cores, shared with other work");
Console.WriteLine("clients | ours %core | gst %core | cpu ratio | ours KiB/client | gst KiB/client | mem ratio | ours p50/p99 ms | min Mbit/s ours/gst");
foreach (var n in steps)
{
    var o = ours[n];
    var g = gst[n];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{n,7} | {o.CpuPercent,10:0.0} | {g.CpuPercent,9:0.0} | {Ratio(o.CpuPercent, g.CpuPercent),9:0.00} | {Show(o.KiBPerClient),15} | {Show(g.KiBPerClient),14} | {Show(Ratio(o.KiBPerClient, g.KiBPerClient), "0.00"),9} | {o.P50Ms,6:0.00}/{o.P99Ms,-6:0.00} | {o.MinClientMbit:0.0}/{g.MinClientMbit:0.0}"));
}
foreach (var n in steps)
{
    var o = ours[n];
    var g = gst[n];
    report.Add(new BenchFigure($"rtsp-server-{n}-clients-cpu", o.CpuPercent, "%core", Ratio(o.CpuPercent, g.CpuPercent),
        n == TargetClients ? 0.5 : null, TargetIsRatio: true));
    report.Add(new BenchFigure($"rtsp-server-{n}-clients-gstreamer-cpu", g.CpuPercent, "%core", null, null));
    report.Add(new BenchFigure($"rtsp-server-{n}-clients-rss", o.RssKiB / 1024.0, "MiB", Ratio(o.RssKiB, g.RssKiB), null));
    if (o.KiBPerClient is { } perClient)
        report.Add(new BenchFigure($"rtsp-server-{n}-clients-memory-per-client", perClient, "KiB", Ratio(o.KiBPerClient, g.KiBPerClient), null));
    report.Add(new BenchFigure($"rtsp-server-{n}-clients-latency-p50", o.P50Ms, "ms", null, null));
    report.Add(new BenchFigure($"rtsp-server-{n}-clients-latency-p99", o.P99Ms, "ms", null, 5));
    // Every client must get the stream (a server that drops clients would look cheap): at least 80 % of the camera's rate.
    report.Add(new BenchFigure($"rtsp-server-{n}-clients-min-client-rate", o.MinClientMbit, "Mbit/s", Ratio(o.MinClientMbit, g.MinClientMbit), 0.8 * clipMbit, Better.Higher));
    report.Add(new BenchFigure($"rtsp-server-{n}-clients-gstreamer-min-client-rate", g.MinClientMbit, "Mbit/s", null, null));
}
return report.ExitCode();

async Task<Dictionary<int, Step>> MeasureAsync(string name, ProcessStartInfo psi)
{
    var results = new Dictionary<int, Step>();
    await using var server = await ServerProcess.StartAsync(name, psi);
    long? rssOne = null;
    var first = true;
    foreach (var n in steps)
    {
        await server.GrowToAsync(n);
        await Task.Delay(TimeSpan.FromSeconds(warmup + (first ? settle : 0)));
        first = false;
        if (server.Exited) throw new InvalidOperationException($"{name} server exited");
        var bytes0 = server.BytesPerClient();
        if (name == "ours") await server.CommandAsync("reset", answer: false);
        var cpu0 = server.CpuSeconds();
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var cpu = server.CpuSeconds() - cpu0;
        var wall = clock.Elapsed.TotalSeconds;
        var bytes = server.BytesPerClient().Zip(bytes0, (a, b) => a - b).ToArray();
        var rss = server.RssKiB();
        double p50 = double.NaN, p99 = double.NaN;
        if (name == "ours")
        {
            var line = await server.CommandAsync("latency", answer: true) ?? "";
            var parts = line.Split(' ');
            if (parts.Length == 4 && parts[0] == "LATENCY")
            {
                p50 = long.Parse(parts[1], CultureInfo.InvariantCulture) / 1000.0;
                p99 = long.Parse(parts[2], CultureInfo.InvariantCulture) / 1000.0;
            }
        }
        // Memory per client: growth of RSS beyond the one-client state (the relay's pipeline exists from the first client on).
        rssOne ??= n == 1 ? rss : null;
        double? perClient = rssOne is { } one && n > 1 ? (rss - one) / (double)(n - 1) : null;
        results[n] = new Step(n, 100 * cpu / wall, rss, perClient, p50, p99, bytes.DefaultIfEmpty().Min() * 8 / wall / 1e6);
        var latency = name == "ours" ? string.Create(CultureInfo.InvariantCulture, $", ingest-to-departure p50 {p50:0.000} ms p99 {p99:0.000} ms") : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {n} clients: {100 * cpu / wall:0.0} %core, RSS {rss / 1024.0:0.0} MiB, clients min/max {bytes.DefaultIfEmpty().Min() * 8 / wall / 1e6:0.00}/{bytes.DefaultIfEmpty().Max() * 8 / wall / 1e6:0.00} Mbit/s{latency}"));
    }
    return results;
}

ProcessStartInfo OursStartInfo(string url)
{
    var self = Environment.ProcessPath!;
    var dll = typeof(OursServer).Assembly.Location;
    return Path.GetFileNameWithoutExtension(self) == "dotnet"
        ? new ProcessStartInfo(self, [dll, "--serve-ours", url])
        : new ProcessStartInfo(self, ["--serve-ours", url]);
}

static double? Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? x / y : null;

static string Show(double? v, string format = "0.0") => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "-";

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

internal sealed record Step(int Clients, double CpuPercent, long RssKiB, double? KiBPerClient, double P50Ms, double P99Ms, double MinClientMbit);
