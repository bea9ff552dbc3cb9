using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Appliance.Plugins.Rtsp.Bench;
using BenchmarkDotNet.Running;

// Modes: (none) = BenchmarkDotNet per-packet path + load run with the ffmpeg reference;
//        --micro / --load = only one part; --serve = the replay server (child process of --load).
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

var micro = !args.Contains("--load");
var load = !args.Contains("--micro");
var streams = int.Parse(Option("--streams") ?? "32", CultureInfo.InvariantCulture);
var references = int.Parse(Option("--ffmpeg") ?? "4", CultureInfo.InvariantCulture);
var seconds = double.Parse(Option("--seconds") ?? "10", CultureInfo.InvariantCulture);

if (micro)
{
    BenchmarkRunner.Run<IngestBenchmarks>(args: args.Where(a => a.StartsWith("--filter", StringComparison.Ordinal)).ToArray());
    var (rtp, interleaved, packets, unitObjects, frames) = IngestBenchmarks.CountSteadyStateAllocations(rounds: 200);
    Console.WriteLine();
    Console.WriteLine($"Steady-state allocations, exact (GC.GetAllocatedBytesForCurrentThread), {packets} packets per path after warm-up:");
    Console.WriteLine($"  RtpPacketToHub      : {rtp} B ({(double)rtp / packets:0.000} B/packet)");
    Console.WriteLine($"  InterleavedTcpToHub : {interleaved} B ({(double)interleaved / packets:0.000} B/packet)");
    Console.WriteLine($"  access units: {frames} frames (both paths) carried by {unitObjects} pooled AccessUnit objects in all");
    Console.WriteLine($"  target (zero steady-state allocations per packet): {(rtp == 0 && interleaved == 0 ? "met" : "NOT met")}");
}
if (load) await RunLoadAsync();
return 0;

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
        Console.WriteLine();
        Console.WriteLine($"RTSP ingest load: H.264 1080p25 ~4 Mbit/s (x264 clip) replayed over RTSP/TCP interleaved from another process, {seconds:0} s measured");
        Console.WriteLine($"  ours   : {ours.Streams} streams, {ours.CpuPercentOfOneCore:0.0} % of one core in total, {oursPerStream:0.00} % per stream, " +
                          $"{ours.MbitPerSecond:0.0} Mbit/s received, {ours.Packets} packets, {ours.Lost} lost, {ours.BytesAllocatedPerPacket:0.0} B allocated per packet");
        Console.WriteLine($"  ffmpeg : {ffmpeg.Streams} x `ffmpeg -rtsp_transport tcp -i <url> -c copy -f null -`, {ffmpegPerStream:0.00} % of one core per stream");
        Console.WriteLine($"  ratio ours/ffmpeg (CPU per stream): {oursPerStream / ffmpegPerStream:0.00}");
        Console.WriteLine($"  target (32 streams under 25 % of one core): {(ours.Streams >= 32 && ours.CpuPercentOfOneCore < 25 ? "met" : "NOT met")} " +
                          $"({oursPerStream * 32:0.0} % for 32 streams)");
    }
    finally
    {
        try { server.StandardInput.Close(); } catch (IOException) { }
        if (!server.WaitForExit(5000)) server.Kill();
    }
}
