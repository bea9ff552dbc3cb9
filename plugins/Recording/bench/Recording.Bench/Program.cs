using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Benchmarking;
using Appliance.Plugins.Media.Protocol.Codecs;
using Appliance.Plugins.Recording.Bench;
using Appliance.Plugins.Recording.Plugin;
using Appliance.Plugins.Recording.Plugin.Index;
using Appliance.Plugins.Recording.Plugin.Recorder;
using Appliance.Plugins.Recording.Protocol.Clips;
using Appliance.Plugins.Recording.Protocol.Segments;
using Appliance.Plugins.Recording.Protocol.Storage;
using Appliance.Plugins.Recording.Protocol.Ts;
using Appliance.Plugins.Recording.Protocol.Video;
using Appliance.Streams;
using MediaClips = Appliance.Plugins.Media.Tests.Shared.Clips;

// Recording benchmarks:
//   clip cut time for 20 minutes of 4 Mbit/s H.264 (a 60 s CBR 720p x264 file repeated with running timestamps) in 10 s segments vs `ffmpeg -c copy` of the same range from the
//   same files (concat protocol), best of 3 each, alternating (target ratio <= 1.0);
//   recording cost per camera for 16 cameras of 4 Mbit/s in real time through the real stream hub and the plugin's
//   recorders (CPU % of one core per camera, and write amplification: bytes handed to write() / bytes received).
// One `bench:` line per figure (BenchReport); exit 1 when a target is NOT met. --smoke: 1 minute, 3 s, no verdicts.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var report = BenchReport.FromArgs(args);
var minutes = report.Smoke ? 1 : 20;
var rounds = report.Smoke ? 1 : 3;
var folder = MediaClips.TempFolder("recording-bench");
var source = Path.Combine(folder, "cbr-4m-60s.h264");
if (!File.Exists(source))
    MediaClips.Ffmpeg($"-f lavfi -i testsrc2=size=1280x720:rate=25 -t 60 -pix_fmt yuv420p -c:v libx264 -preset ultrafast -bf 0 " +
        $"-x264-params aud=1:keyint=50:min-keyint=50:nal-hrd=cbr -b:v 4M -minrate 4M -maxrate 4M -bufsize 2M -f h264 {source}");
var units = MediaClips.AccessUnits(source, VideoFormat.H264);
var keyframes = units.Select(u => NalUnits.IsKeyframe(VideoCodec.H264, u.Span)).ToList();
Console.WriteLine($"#   source: {units.Count} frames, {units.Sum(u => (long)u.Length) * 8 / 60.0 / 1e6:0.00} Mbit/s");

// 1. Segments of `minutes` of video (the 60 s source repeated with running timestamps), 10 s each.
var segmentFolder = Path.Combine(folder, $"segments-{minutes}m");
var segments = new List<string>();
if (Directory.Exists(segmentFolder)) Directory.Delete(segmentFolder, true);
Directory.CreateDirectory(segmentFolder);
SegmentWriter? writer = null;
var total = minutes * 60 * 25;
for (var i = 0; i < total; i++)
{
    var k = i % units.Count;
    if (keyframes[k] && i % 250 == 0)
    {
        writer?.Dispose();
        var path = Path.Combine(segmentFolder, $"{segments.Count:D4}.ts");
        segments.Add(path);
        writer = SegmentWriter.Create(path, new ParameterSets(VideoCodec.H264)).Value;
    }
    writer!.Write(units[k].Span, i * 3600L, keyframes[k]);
}
writer?.Dispose();
var bytes = segments.Sum(s => new FileInfo(s).Length);
Console.WriteLine($"#   {segments.Count} segments, {bytes / 1048576.0:0.0} MiB");

// 2. Clip cut: from 3 s in to 3 s before the end.
var fromSeconds = 3.0;
var toSeconds = minutes * 60 - 3.0;
var pieces = segments.Select((s, i) => new ClipPiece(s,
    i == 0 ? TsLayout.StreamPts((long)(fromSeconds * 90_000)) : null,
    i == segments.Count - 1 ? TsLayout.StreamPts((long)(toSeconds * 90_000)) : null)).ToList();
var ours = Path.Combine(folder, "clip-ours.ts");
var theirs = Path.Combine(folder, "clip-ffmpeg.ts");
double oursBest = double.MaxValue, ffmpegBest = double.MaxValue;
for (var r = 0; r < rounds; r++)
{
    var sw = Stopwatch.StartNew();
    await using (var output = new FileStream(ours, FileMode.Create, FileAccess.Write, FileShare.None, 256 * 1024, useAsync: true))
    {
        var cut = await ClipCutter.CutAsync(pieces, output, null, CancellationToken.None);
        if (!cut.IsOk) throw new InvalidOperationException(cut.Failure!.ToString());
    }
    oursBest = Math.Min(oursBest, sw.Elapsed.TotalSeconds);
    sw.Restart();
    // ffmpeg's own keyframe handling: -ss before -i seeks to the keyframe at or before, like ours.
    MediaClips.Ffmpeg($"-ss {fromSeconds} -to {toSeconds} -i concat:{string.Join('|', segments)} -c copy -f mpegts {theirs}");
    ffmpegBest = Math.Min(ffmpegBest, sw.Elapsed.TotalSeconds);
}
var probe = Appliance.Plugins.Recording.Tests.Shared.TsProbe.Probe(ours);
Console.WriteLine($"#   our clip {new FileInfo(ours).Length / 1048576.0:0.0} MiB: {probe}; ffmpeg's {new FileInfo(theirs).Length / 1048576.0:0.0} MiB");
if (!probe.FirstIsKeyframe || probe.DecodeErrors.Length > 0) throw new InvalidOperationException($"the clip does not play cleanly: {probe}");
report.Add(new BenchFigure($"clip-cut-{minutes}min-4mbit", oursBest, "s", oursBest / ffmpegBest, 1.0, Better.Lower, TargetIsRatio: true));
Console.WriteLine($"#   ffmpeg -c copy: {ffmpegBest:0.000} s");

// 3. Recording cost: 16 cameras in real time through the hub and the plugin's recorders.
const int Cameras = 16;
var seconds = report.Smoke ? 3 : 20;
var data = Directory.CreateTempSubdirectory("recording-bench-").FullName;
using var index = new RecordingIndex(Path.Combine(data, "recording.db"));
var store = new SegmentStore(data, index, new QuietLog());
var settings = RecordingSettings.From(System.Text.Json.JsonDocument.Parse("{\"segmentSeconds\":10}").RootElement).Value;
var hub = new StreamHub();
using var stop = new CancellationTokenSource();
var recorders = Enumerable.Range(0, Cameras).Select(c => new CameraRecorder($"cam{c}", settings, store, hub, TimeProvider.System, new QuietHealth(), () => { })).ToList();
var runs = recorders.Select(r => Task.Run(() => r.RunAsync(stop.Token))).ToList();
var publishers = Enumerable.Range(0, Cameras)
    .Select(c => hub.Publish(new StreamDescriptor($"cam{c}".Insert(0, "camera/"), [new MediaTrack(0, MediaCodec.H264, 90_000, "H264", [])]))).ToList();
await Task.Delay(200);
long received = 0;
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var ioBefore = ProcIo.WrittenBytes();
var wall = Stopwatch.StartNew();
var frame = 0;
var pool = new AccessUnitPool(ArrayPool<byte>.Shared);
while (wall.Elapsed.TotalSeconds < seconds)
{
    var k = frame % units.Count;
    foreach (var p in publishers)
    {
        var unit = pool.Rent(units[k].Length, 0, frame * 3600L, keyframes[k]);
        unit.Append(units[k].Span);
        unit.CaptureTimeUnixMicroseconds = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / 10;
        p.Write(unit);
        received += units[k].Length;
    }
    frame++;
    var due = TimeSpan.FromMilliseconds(frame * 40.0) - wall.Elapsed;
    if (due > TimeSpan.Zero) await Task.Delay(due);
}
await Task.Delay(300);
var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
var written = ProcIo.WrittenBytes() - ioBefore;
var elapsed = wall.Elapsed.TotalSeconds;
await stop.CancelAsync();
await Task.WhenAll(runs.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
foreach (var p in publishers) p.Dispose();
var frames = recorders.Sum(r => r.FramesWritten);
Console.WriteLine($"#   {Cameras} cameras x {frame} frames in {elapsed:0.0} s; recorded {frames} frames; {received / 1048576.0:0.0} MiB in, {written / 1048576.0:0.0} MiB written");
if (frames < Cameras * (frame - 60)) throw new InvalidOperationException($"recorders fell behind: {frames} of {Cameras * frame} frames");
report.Add(new BenchFigure($"recording-cpu-per-camera-{Cameras}cams-4mbit", cpu / elapsed / Cameras * 100, "%core", null, 3.0, Better.Lower));
report.Add(new BenchFigure($"recording-write-amplification-{Cameras}cams", (double)written / received, "x", null, 1.1, Better.Lower));
Directory.Delete(data, true);
Directory.Delete(segmentFolder, true); // hundreds of MiB: not left behind
File.Delete(ours);
File.Delete(theirs);
return report.ExitCode();
