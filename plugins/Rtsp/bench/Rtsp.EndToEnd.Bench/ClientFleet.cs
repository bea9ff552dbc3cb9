using System.Diagnostics;

namespace Appliance.Plugins.Rtsp.EndToEnd.Bench;

/// <summary>
/// N processes of one reference RTSP client pulling the same URL (ffmpeg <c>-c copy</c> to null, or a gst-launch
/// depay/parse pipeline to fakesink), their summed CPU from /proc over a window. Killed by their own pids on dispose.
/// </summary>
public sealed class ClientFleet : IDisposable
{
    private readonly List<Process> _processes = [];
    private readonly string _name;

    private ClientFleet(string name) => _name = name;

    public static string[] Ffmpeg(string url) =>
        ["/usr/bin/ffmpeg", "-nostdin", "-loglevel", "error", "-rtsp_transport", "tcp", "-i", url, "-c", "copy", "-f", "null", "-"];

    public static string[] GStreamer(string url) =>
        ["/usr/bin/gst-launch-1.0", "-q", "rtspsrc", $"location={url}", "protocols=tcp", "!", "rtph264depay", "!", "h264parse", "!", "fakesink"];

    public static ClientFleet Start(string name, string[] command, int count)
    {
        var fleet = new ClientFleet(name);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var info = new ProcessStartInfo(command[0])
                {
                    RedirectStandardInput = true,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                foreach (var arg in command[1..]) info.ArgumentList.Add(arg);
                var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {command[0]}");
                process.OutputDataReceived += (_, _) => { };
                process.ErrorDataReceived += (_, _) => { };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                fleet._processes.Add(process);
            }
        }
        catch
        {
            fleet.Dispose();
            throw;
        }
        return fleet;
    }

    public int Count => _processes.Count;

    /// <summary>Throws when a client has ended: a window over fewer clients than claimed would flatter them.</summary>
    public void EnsureAllRunning()
    {
        var ended = _processes.Count(p => p.HasExited);
        if (ended > 0) throw new InvalidOperationException($"{ended} of {_processes.Count} {_name} client(s) ended (exit code {_processes.First(p => p.HasExited).ExitCode})");
    }

    public double CpuSeconds() => ProcStat.CpuSeconds(_processes.Select(p => p.Id));

    public long RssBytes() => _processes.Sum(p => ProcStat.RssBytes(p.Id));

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            try
            {
                if (!p.HasExited) p.Kill();
                p.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
            }
            p.Dispose();
        }
        _processes.Clear();
    }
}
