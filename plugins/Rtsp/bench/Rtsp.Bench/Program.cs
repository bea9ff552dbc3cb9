using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Appliance.Plugins.Rtsp.Bench;
using Appliance.Benchmarking;
using BenchmarkDotNet.Running;

// Modes: (none) = BenchmarkDotNet per-packet path + load run with the ffmpeg reference;
//        --micro / --load = only one part; --smoke = seconds, every path once, no targets (./build.sh test);
//        --serve = the replay server (child process of --load). Exit code 1 when a target is NOT met.
if (args.Contains("--serve"))
{
    var clip = CannedClip.Create();
    var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    Console.WriteLine($"READY {((IPEndPoint)listener.LocalEndpoint).Port}");
    using var stop = new CancellationTokenSource();
    _ = Task.Run(() => { Console.In.ReadToEnd(); stop.Cancel(); });
    await new ReplayServer(clip).RunAsync(listener, stop.Token);
    return 0;
}

var report = BenchReport.FromArgs(args);
var micro = !args.Contains("--load");
var load = !args.Contains("--micro");
var streams = int.Parse(Option("--streams") ?? (report.Smoke ? "2" : "32"), CultureInfo.InvariantCulture);
var references = int.Parse(Option("--ffmpeg") ?? (report.Smoke ? "1" : "4"), CultureInfo.InvariantCulture);
var seconds = double.Parse(Option("--seconds") ?? (report.Smoke ? "1" : "10"), CultureInfo.InvariantCulture);

if (micro)
{
    if (report.Smoke)
    {
        Console.WriteLine($"smoke: ran {string.Join(", ", BenchSmoke.Run<IngestBenchmarks>())}");
    }
    else
    {
        var summary = BenchmarkRunner.Run<IngestBenchmarks>(args: args.Where(a => a.StartsWith("--filter", StringComparison.Ordinal)).ToArray());
        var copy = MeanNanoseconds(summary, nameof(IngestBenchmarks.CopyPayloadOnce));
        foreach (var path in new[] { nameof(IngestBenchmarks.RtpPacketToHub), nameof(IngestBenchmarks.InterleavedTcpToHub) })
        {
            if (MeanNanoseconds(summary, path) is { } mean)
                report.Add(new BenchFigure($"rtsp-ingest-{path}", mean, "ns/packet", mean / copy, null));
        }
    }
    var (rtp, interleaved, packets, _, _) = IngestBenchmarks.CountSteadyStateAllocations(rounds: report.Smoke ? 5 : 200);
    report.Add(new BenchFigure("rtsp-ingest-RtpPacketToHub-allocated", (double)rtp / packets, "B/packet", null, 0));
    report.Add(new BenchFigure("rtsp-ingest-InterleavedTcpToHub-allocated", (double)interleaved / packets, "B/packet", null, 0));
}
if (load) await RunLoadAsync();
return report.ExitCode();

// Null when --filter left the method out (the ratio to the copy baseline is then null too).
static double? MeanNanoseconds(BenchmarkDotNet.Reports.Summary summary, string method) =>
    summary.Reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method)?.ResultStatistics?.Mean;

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

async Task RunLoadAsync()
{
    var self = Environment.ProcessPath!;
    var dll = typeof(ReplayServer).Assembly.Location;
    var psi = Path.GetFileNameWithoutExtension(self) == "dotnet"
        ? new ProcessStartInfo(self, $"{dll} --serve")
        : new ProcessStartInfo(self, "--serve");
    psi.RedirectStandardInput = true;
    psi.RedirectStandardOutput = true;
    using var server = Process.Start(psi)!;
    try
    {
        var ready = await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) ?? "";
        if (!ready.StartsWith("READY ", StringComparison.Ordinal)) throw new InvalidOperationException("replay server did not start");
        var url = $"rtsp://127.0.0.1:{ready[6..]}/replay";
        var warmup = TimeSpan.FromSeconds(3);
        var measure = TimeSpan.FromSeconds(seconds);
        var ours = await LoadTest.OursAsync(url, streams, warmup, measure);
        var ffmpeg = await LoadTest.FfmpegAsync(url, references, warmup, measure);
        var oursPerStream = ours.CpuPercentOfOneCore / ours.Streams;
        var ffmpegPerStream = ffmpeg.CpuPercentOfOneCore / ffmpeg.Streams;
        Console.WriteLine($"RTSP ingest load: H.264 1080p25 ~4 Mbit/s (x264 clip) replayed over RTSP/TCP interleaved from another process, {seconds:0} s measured; " +
                          $"ours {ours.Streams} streams ({ours.MbitPerSecond:0.0} Mbit/s, {ours.Packets} packets, {ours.Lost} lost), reference {ffmpeg.Streams} x `ffmpeg -rtsp_transport tcp -i <url> -c copy -f null -`");
        report.Add(new BenchFigure("rtsp-ingest-cpu-per-stream", oursPerStream, "%core", ffmpegPerStream > 0 ? oursPerStream / ffmpegPerStream : null, null));
        report.Add(new BenchFigure($"rtsp-ingest-{ours.Streams}-streams-cpu", ours.CpuPercentOfOneCore, "%core", null, 25));
        report.Add(new BenchFigure("rtsp-ingest-lost-packets", ours.Lost, "packets", null, 0));
    }
    finally
    {
        try { server.StandardInput.Close(); } catch (IOException) { }
        if (!server.WaitForExit(5000)) server.Kill();
    }
}
