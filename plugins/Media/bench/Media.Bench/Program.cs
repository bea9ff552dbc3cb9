using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Appliance.Benchmarking;
using Appliance.Plugins.Media.FFmpegInterop;
using Appliance.Plugins.Media.FFmpegInterop.Native;
using Appliance.Plugins.Media.Plugin.Cameras;
using Appliance.Plugins.Media.Protocol.Codecs;
using Appliance.Plugins.Media.Protocol.Motion;
using Appliance.Plugins.Media.Tests.Shared;

// Media benchmarks, each against its reference measured in the same run:
//   decode fps of a 1080p H.264 file vs `ffmpeg -benchmark -threads N -i file -f null -` (target ratio >= 0.95),
//   SD transcode CPU vs the ffmpeg CLI doing the same transcode (target ratio <= 1.05),
//   snapshot latency p50/p99 at 1080p (target p99 < 150 ms), motion analysis cost per camera at 5 fps.
// One `bench:` line per figure (BenchReport); exit 1 when a target is NOT met. --smoke: one round each, no verdicts.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var report = BenchReport.FromArgs(args);
var rounds = report.Smoke ? 1 : 3;
var runtime = FFmpegRuntime.Load().Value;
var folder = Clips.TempFolder("bench");
var threads = Environment.ProcessorCount;
var file = Path.Combine(folder, "bench-1080p.h264");
if (!File.Exists(file))
    Clips.Ffmpeg($"-f lavfi -i testsrc2=size=1920x1080:rate=25 -t 12 -pix_fmt yuv420p -c:v libx264 -preset veryfast -x264-params aud=1:keyint=50 -bf 0 -f h264 {file}");
var units = Clips.AccessUnits(file, VideoFormat.H264);

static (double Real, double Cpu) FfmpegBenchmark(string arguments)
{
    var text = Clips.Run("ffmpeg", "-hide_banner -nostats -benchmark " + arguments);
    var m = Regex.Match(text, @"bench: utime=([\d.]+)s stime=([\d.]+)s rtime=([\d.]+)s");
    if (!m.Success) throw new InvalidOperationException("no -benchmark line from ffmpeg: " + text);
    double D(int i) => double.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture);
    return (D(3), D(1) + D(2));
}

static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

// 1. Software decode fps (best of 3 each, alternating, so load on the shared machine hits both alike).
double DecodeOurs()
{
    using var decoder = VideoDecoder.Open(runtime, "h264", new DecoderOptions(threads, 1920L * 1080)).Value;
    var frames = 0;
    var sw = Stopwatch.StartNew();
    long pts = 0;
    foreach (var u in units) decoder.Decode(u.Span, pts++, _ => frames++);
    decoder.Flush(_ => frames++);
    return frames / sw.Elapsed.TotalSeconds;
}
double oursFps = 0, cliFps = 0;
for (var i = 0; i < rounds; i++)
{
    oursFps = Math.Max(oursFps, DecodeOurs());
    var (real, _) = FfmpegBenchmark($"-threads {threads} -i {file} -f null -");
    cliFps = Math.Max(cliFps, units.Count / real);
}
report.Add(new BenchFigure($"decode-1080p-h264-fps-threads{threads}", oursFps, "fps", oursFps / cliFps, 0.95, Better.Higher, TargetIsRatio: true));
Console.WriteLine($"#   ffmpeg CLI: {cliFps:F1} fps on {units.Count} frames");

// 2. SD transcode CPU: decode 1080p, scale to 640x360 (bilinear), libx264 veryfast zerolatency 500 kbit/s, one thread each.
double TranscodeOursCpu()
{
    var before = Cpu();
    using var decoder = VideoDecoder.Open(runtime, "h264", new DecoderOptions(1, 1920L * 1080)).Value;
    using var scaler = FrameScaler.Open(runtime, 1920, 1080, AvConstants.AV_PIX_FMT_YUV420P, 640, 360, AvConstants.AV_PIX_FMT_YUV420P, AvConstants.SWS_BILINEAR).Value;
    using var encoder = VideoEncoder.Open(runtime, "libx264", new EncoderSettings(640, 360, AvConstants.AV_PIX_FMT_YUV420P, 25, BitRate: 500_000, GopSize: 50, Threads: 1,
        Options: new Dictionary<string, string> { ["preset"] = "veryfast", ["tune"] = "zerolatency" })).Value;
    long bytes = 0, pts = 0;
    void OnPacket(ReadOnlySpan<byte> data, long _, bool __) => bytes += data.Length;
    foreach (var u in units)
        decoder.Decode(u.Span, pts++, f => encoder.Encode(scaler.Scale(f).Value, f.Pts, OnPacket));
    decoder.Flush(f => encoder.Encode(scaler.Scale(f).Value, f.Pts, OnPacket));
    encoder.Flush(OnPacket);
    return (Cpu() - before).TotalSeconds;
}
double oursCpu = double.MaxValue, cliCpu = double.MaxValue;
for (var i = 0; i < rounds; i++)
{
    oursCpu = Math.Min(oursCpu, TranscodeOursCpu());
    var sd = Path.Combine(folder, "bench-sd.h264");
    var (_, cpu) = FfmpegBenchmark($"-y -threads 1 -i {file} -sws_flags bilinear -vf scale=640:360 -threads 1 -c:v libx264 -preset veryfast -tune zerolatency -b:v 500k -g 50 -bf 0 -f h264 {sd}");
    cliCpu = Math.Min(cliCpu, cpu);
}
report.Add(new BenchFigure("sd-transcode-1080p-to-640x360-cpu", oursCpu, "s", oursCpu / cliCpu, 1.05, TargetIsRatio: true));
Console.WriteLine($"#   ffmpeg CLI: {cliCpu:F2} s CPU for {units.Count} frames");

// 3. Snapshot latency at 1080p: the plugin's path (reference to the latest frame, scale to full-range, mjpeg).
using (var latest = new LatestFrame())
using (var jpeg = new JpegMaker(runtime, "mjpeg", 4))
{
    using (var decoder = VideoDecoder.Open(runtime, "h264", new DecoderOptions()).Value)
    {
        decoder.Decode(units[0].Span, 0, latest.Replace);
        decoder.Flush(latest.Replace);
    }
    var samples = new List<double>();
    for (var i = 0; i < (report.Smoke ? 30 : 120); i++)
    {
        var sw = Stopwatch.StartNew();
        var taken = latest.Take()!.Value;
        using (taken.Frame) jpeg.Encode(taken.Frame.View());
        if (i >= 20) samples.Add(sw.Elapsed.TotalMilliseconds);
    }
    samples.Sort();
    var p50 = samples[samples.Count / 2];
    var p99 = samples[(int)Math.Ceiling(samples.Count * 0.99) - 1];
    report.Add(new BenchFigure("snapshot-1080p-latency-p50", p50, "ms", null, 150));
    report.Add(new BenchFigure("snapshot-1080p-latency-p99", p99, "ms", null, 150));
}

// 4. Motion analysis cost per camera at 5 fps (scaling 1080p to 160x90 gray + detection), decode not included.
using (var decoder = VideoDecoder.Open(runtime, "h264", new DecoderOptions(threads)).Value)
using (var motion = new MotionAnalyzer(runtime, new MotionSettings(), 5, 160, 90, 90000))
{
    var analysed = TimeSpan.Zero;
    long pts = 0;
    void Analyse(VideoFrameView f)
    {
        var sw = Stopwatch.StartNew();
        var before = motion.Analysed;
        motion.Offer(f, f.Pts * 3600);
        if (motion.Analysed > before) analysed += sw.Elapsed;
    }
    foreach (var u in units) decoder.Decode(u.Span, pts++, Analyse);
    decoder.Flush(Analyse);
    var perFrameMs = analysed.TotalMilliseconds / Math.Max(1, motion.Analysed);
    var percentOfCore = perFrameMs * 5 / 1000 * 100;
    report.Add(new BenchFigure("motion-1080p-per-camera-at-5fps", percentOfCore, "%core", null, 5));
    Console.WriteLine($"#   {motion.Analysed} frames analysed, {perFrameMs:F2} ms each");
}

return report.ExitCode();
