using System.Diagnostics;
using Appliance.Plugins.WebRtc.Protocol.Session;

namespace Appliance.Plugins.WebRtc.Bench;

/// <summary>
/// The bench's "camera": one H.264 test file made by ffmpeg (testsrc2, constrained baseline, an access unit
/// delimiter before each frame, a keyframe a second), copied into MPEG-TS for aiortc (whose pass-through wants
/// Annex-B packets with timestamps) and into raw Annex-B for the appliance,
/// whose frames are pushed into a <see cref="VideoFeed"/> at 25 fps in a loop. Same encoded frames on both sides.
/// </summary>
internal sealed class H264File : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _pump = Task.CompletedTask;

    private H264File(string folder, List<byte[]> units)
    {
        Folder = folder;
        Units = units;
    }

    public string Folder { get; }
    public string Ts => Path.Combine(Folder, "camera.ts");
    public IReadOnlyList<byte[]> Units { get; }
    public VideoFeed Feed { get; } = new();

    public static async Task<H264File> CreateAsync(int width, int height, int seconds)
    {
        var folder = Directory.CreateTempSubdirectory("appl-webrtc-bench-").FullName;
        var mp4 = Path.Combine(folder, "camera.mp4");
        var annexB = Path.Combine(folder, "camera.h264");
        await RunAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", $"testsrc2=size={width}x{height}:rate=25", "-t", seconds.ToString(),
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "baseline", "-level", "3.1", "-g", "25", "-bf", "0", "-x264-params", "aud=1", "-pix_fmt", "yuv420p", mp4]);
        await RunAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-i", mp4, "-c:v", "copy", "-bsf:v", "h264_mp4toannexb", "-f", "h264", annexB]);
        await RunAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-i", mp4, "-c:v", "copy", "-bsf:v", "h264_mp4toannexb", "-f", "mpegts", Path.Combine(folder, "camera.ts")]);
        var units = Split(await File.ReadAllBytesAsync(annexB));
        if (units.Count < 25) throw new InvalidOperationException($"ffmpeg made {units.Count} access units");
        return new H264File(folder, units);
    }

    /// <summary>Pushes the file's frames at 25 fps, looping, with a 90 kHz timestamp that keeps rising.</summary>
    public void Start()
    {
        _pump = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(40));
            long frame = 0;
            while (await timer.WaitForNextTickAsync(_stop.Token).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result))
            {
                var unit = Units[(int)(frame % Units.Count)];
                Feed.Push(unit, frame * 3600, IsKeyframe(unit));
                frame++;
            }
        });
    }

    /// <summary>Access units split at each access unit delimiter (NAL type 9), which ffmpeg was told to write.</summary>
    private static List<byte[]> Split(byte[] stream)
    {
        var starts = new List<int>();
        for (var i = 0; i + 4 < stream.Length; i++)
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1 && (stream[i + 3] & 0x1F) == 9) starts.Add(i > 0 && stream[i - 1] == 0 ? i - 1 : i);
        var units = new List<byte[]>();
        for (var k = 0; k < starts.Count; k++)
            units.Add(stream[starts[k]..(k + 1 < starts.Count ? starts[k + 1] : stream.Length)]);
        return units;
    }

    private static bool IsKeyframe(byte[] unit)
    {
        for (var i = 0; i + 3 < unit.Length; i++)
            if (unit[i] == 0 && unit[i + 1] == 0 && unit[i + 2] == 1 && (unit[i + 3] & 0x1F) == 5) return true;
        return false;
    }

    private static async Task RunAsync(string file, string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true }) ?? throw new InvalidOperationException($"{file} did not start");
        var error = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file}: {error}");
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _pump;
        Directory.Delete(Folder, recursive: true);
    }
}
