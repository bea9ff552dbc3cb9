using System.Globalization;
using Appliance.Benchmarking;
using Appliance.Plugins.Rtsp.EndToEnd.Bench;

// Issue 11 item 7: ingest at scale, end to end. For each N: N cameras added to the running host through its API
// (host CPU over a window minus its idle baseline, host RSS per camera), then N ffmpeg and N gst-launch clients of the
// same stream (their summed CPU), all from /proc, one after the other on the same replay server.
// Options: --cameras 8,32,64  --seconds 10 (each window)  --smoke (N = 2, short windows, no targets).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var report = BenchReport.FromArgs(args);
var counts = (Option("--cameras") ?? (report.Smoke ? "2" : "8,32,64")).Split(',').Select(int.Parse).Order().ToArray();
var window = TimeSpan.FromSeconds(double.Parse(Option("--seconds") ?? (report.Smoke ? "2" : "10")));
var settle = TimeSpan.FromSeconds(report.Smoke ? 1 : 5);
const double Mb = 1024 * 1024;

using var server = await ReplayServerProcess.StartAsync();
Console.WriteLine($"RTSP ingest end to end: {server.Url} (H.264 1080p25 ~4 Mbit/s, x264 clip replayed by another process), " +
                  $"RTSP/TCP interleaved, {window.TotalSeconds:0.#} s windows, CPU in % of one core from /proc/<pid>/stat");

var host = new Dictionary<int, (double Net, double PerCamera, long Rss, long Lost, long Received)>();
double idle;
long idleRss;
await using (var ingest = await IngestHost.StartAsync(report.Smoke ? 1 : null))
{
    // Start-up work (JIT, first timers) is not idle.
    await Measure.QuietAsync(() => ProcStat.CpuSecondsOfTree(ingest.Pid), 5, TimeSpan.FromSeconds(report.Smoke ? 10 : 60));
    idle = await Measure.CpuPercentAsync(() => ProcStat.CpuSecondsOfTree(ingest.Pid), window);
    idleRss = ProcStat.RssBytesOfTree(ingest.Pid);
    Console.WriteLine($"host idle (RTSP plugin loaded, no camera): {idle:0.00} %core, RSS {idleRss / Mb:0.0} MB");
    foreach (var n in counts)
    {
        await ingest.AddCamerasAsync(server.Url, n);
        await ingest.WaitAllPlayingAsync(TimeSpan.FromSeconds(60 + n));
        await Task.Delay(settle);
        var busy = await Measure.CpuPercentAsync(() => ProcStat.CpuSecondsOfTree(ingest.Pid), window);
        var rss = ProcStat.RssBytesOfTree(ingest.Pid);
        var (received, lost) = await ingest.PacketsAsync();
        host[n] = (busy - idle, (busy - idle) / n, rss, lost, received);
    }
}

var ffmpeg = new Dictionary<int, double>();
var gstreamer = new Dictionary<int, double>();
foreach (var n in counts)
{
    ffmpeg[n] = await ReferenceAsync("ffmpeg", ClientFleet.Ffmpeg(server.Url), n);
    gstreamer[n] = await ReferenceAsync("gst-launch", ClientFleet.GStreamer(server.Url), n);
}

Console.WriteLine();
Console.WriteLine("| N | host CPU (minus idle) | per camera | ffmpeg -c copy | per stream | gst-launch rtspsrc | per stream | ours / ffmpeg | ours / GStreamer | host RSS | per camera (from idle) | lost |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
foreach (var n in counts)
{
    var (net, ours, rss, lost, received) = host[n];
    var f = ffmpeg[n] / n;
    var g = gstreamer[n] / n;
    Console.WriteLine($"| {n} | {net:0.0} % | {ours:0.00} % | {ffmpeg[n]:0.0} % | {f:0.00} % | {gstreamer[n]:0.0} % | {g:0.00} % | " +
                      $"{Ratio(ours, f):0.00} | {Ratio(ours, g):0.00} | {rss / Mb:0} MB | {(rss - idleRss) / Mb / n:0.00} MB | {lost} of {received + lost} |");
}
Console.WriteLine();
foreach (var n in counts)
{
    var (_, ours, rss, lost, _) = host[n];
    var judged = n >= 32; // at 8 cameras the fixed costs (JIT of the paths, pools) dominate the per-camera figures
    report.Add(new BenchFigure($"rtsp-e2e-{n}-cameras-host-cpu-per-camera-vs-ffmpeg", ours, "%core", Ratio(ours, ffmpeg[n] / n), judged ? 0.25 : null, TargetIsRatio: true));
    report.Add(new BenchFigure($"rtsp-e2e-{n}-cameras-host-cpu-per-camera-vs-gstreamer", ours, "%core", Ratio(ours, gstreamer[n] / n), 1, TargetIsRatio: true));
    report.Add(new BenchFigure($"rtsp-e2e-{n}-ffmpeg-cpu-per-stream", ffmpeg[n] / n, "%core", null, null));
    report.Add(new BenchFigure($"rtsp-e2e-{n}-gstreamer-cpu-per-stream", gstreamer[n] / n, "%core", null, null));
    report.Add(new BenchFigure($"rtsp-e2e-{n}-cameras-host-rss-per-camera", (rss - idleRss) / Mb / n, "MB", null, judged ? 2 : null));
    report.Add(new BenchFigure($"rtsp-e2e-{n}-cameras-lost-packets", lost, "packets", null, null));
}
return report.ExitCode();

async Task<double> ReferenceAsync(string name, string[] command, int n)
{
    using var fleet = ClientFleet.Start(name, command, n);
    await Task.Delay(settle + TimeSpan.FromSeconds(n / 16.0)); // n processes starting on a small machine
    fleet.EnsureAllRunning();
    var percent = await Measure.CpuPercentAsync(fleet.CpuSeconds, window);
    fleet.EnsureAllRunning();
    return percent;
}

static double? Ratio(double value, double reference) => reference > 0 ? value / reference : null;

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
