using System.Diagnostics;
using Appliance.Testing;

namespace Appliance.Plugins.Rtsp.EndToEnd.Bench;

/// <summary>
/// The camera every client pulls: Rtsp.Bench's replay server (<c>Rtsp.Bench --serve</c>: a real x264 clip of
/// 1080p25 at ~4 Mbit/s, replayed in real time on every session over RTSP/TCP interleaved) in its own process.
/// A canned clip rather than a live GStreamer encoder: on a 2-core machine a live 1080p x264 encoder would take a
/// core away from the processes being measured. Stopped by closing its stdin, killed by its pid if it lingers.
/// </summary>
public sealed class ReplayServerProcess : IDisposable
{
    private readonly Process _process;

    private ReplayServerProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    public int Pid => _process.Id;

    public static async Task<ReplayServerProcess> StartAsync()
    {
        var dll = Path.Combine(RepoPaths.Root, "plugins", "Rtsp", "bench", "Rtsp.Bench", "bin", RepoPaths.Configuration, "net10.0", "Rtsp.Bench.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("build Rtsp.Bench first (it is a project reference of this bench)", dll);
        var info = new ProcessStartInfo("dotnet", [dll, "--serve"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("the replay server did not start");
        try
        {
            // It encodes its clip with ffmpeg first (a few seconds), then prints READY <port>.
            var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(120)) ?? "";
            if (!ready.StartsWith("READY ", StringComparison.Ordinal)) throw new InvalidOperationException($"the replay server did not start: '{ready}'");
            return new ReplayServerProcess(process, $"rtsp://127.0.0.1:{ready[6..]}/replay");
        }
        catch
        {
            Stop(process);
            process.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Stop(_process);
        _process.Dispose();
    }

    private static void Stop(Process process)
    {
        try
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(5000)) process.Kill();
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
        }
    }
}
