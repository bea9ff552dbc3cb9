using System.Collections.Concurrent;
using System.Diagnostics;

namespace Appliance.Testing;

/// <summary>
/// The one GStreamer RTSP camera of the tests: rtsp-server (rtsp_server.py under /usr/bin/python3: H.264/H.265,
/// optional AAC/PCMU audio, Digest, accepted transports, size, rate, bitrate) started by a test on a port it picked
/// (<see cref="FreePort"/>), optionally inside a network namespace. Counts the client connections and TEARDOWNs it saw.
/// <see cref="Kill"/> is a camera losing power, <see cref="RestartAsync"/> the same camera coming back on the same
/// port. Killed by its pid on dispose.
/// </summary>
public sealed class GstRtspServer : IDisposable
{
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly string _args;
    private readonly string? _netns;
    private readonly string _path;
    private Process? _process;
    private int _clients;
    private int _teardowns;

    private GstRtspServer(int port, string args, string address, string? netns, string path)
    {
        Port = port;
        Address = address;
        _args = args;
        _netns = netns;
        _path = path;
    }

    public int Port { get; }
    public string Address { get; }
    public int Pid => _process?.Id ?? throw new InvalidOperationException("the RTSP server is not running");
    public string Url => $"rtsp://{Address}:{Port}{_path}";
    public Uri Uri => new(Url);
    public int Clients => Volatile.Read(ref _clients);
    public int Teardowns => Volatile.Read(ref _teardowns);
    public string Stderr => string.Join("\n", _stderr.TakeLast(40));

    /// <summary>
    /// Starts the server and waits until it listens. <paramref name="args"/> are rtsp_server.py's options, e.g.
    /// "--codec h265 --audio pcmu"; <paramref name="path"/> is the mount point the camera serves.
    /// </summary>
    public static async Task<GstRtspServer> StartAsync(int port, string args = "", string address = "127.0.0.1", string? netns = null, string path = "/cam")
    {
        var server = new GstRtspServer(port, args, address, netns, path);
        try
        {
            await server.RestartAsync();
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    /// <summary>Starts the camera again on the same address, port and options (after <see cref="Kill"/>).</summary>
    public async Task RestartAsync()
    {
        Kill();
        _process?.Dispose();
        var script = Path.Combine(AppContext.BaseDirectory, "rtsp_server.py");
        var psi = new ProcessStartInfo
        {
            FileName = _netns is null ? "/usr/bin/python3" : "/usr/sbin/ip",
            Arguments = (_netns is null ? "" : $"netns exec {_netns} /usr/bin/python3 ")
                + $"-u {script} --port {Port} --address {Address} --path {_path} {_args}",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["GST_DEBUG"] = "2";
        var process = Process.Start(psi) ?? throw new InvalidOperationException("python3 did not start");
        _process = process;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            if (e.Data.StartsWith("READY", StringComparison.Ordinal)) ready.TrySetResult();
            else if (e.Data.StartsWith("CLIENT", StringComparison.Ordinal)) Interlocked.Increment(ref _clients);
            else if (e.Data.StartsWith("TEARDOWN", StringComparison.Ordinal)) Interlocked.Increment(ref _teardowns);
            else if (e.Data.StartsWith("ATTACH-FAILED", StringComparison.Ordinal)) ready.TrySetException(new InvalidOperationException($"RTSP server could not bind port {Port}"));
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _stderr.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != ready.Task) throw new InvalidOperationException($"RTSP server did not become ready: {Stderr}");
        await ready.Task;
    }

    /// <summary>Kills the server at once (a camera losing power).</summary>
    public void Kill()
    {
        try
        {
            if (_process is { HasExited: false } p) p.Kill(entireProcessTree: true);
            _process?.WaitForExit(10000);
        }
        catch (InvalidOperationException)
        {
        }
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
    }
}
