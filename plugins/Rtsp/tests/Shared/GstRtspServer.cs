using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Appliance.Plugins.Rtsp.Tests.Shared;

/// <summary>
/// A real GStreamer RTSP server (rtsp_server.py under /usr/bin/python3) started by a test, optionally inside a
/// network namespace. Counts the client connections and TEARDOWNs it saw. Killed by its pid on dispose.
/// </summary>
public sealed class GstRtspServer : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stderr = new();
    private int _clients;
    private int _teardowns;

    private GstRtspServer(Process process, int port, string address)
    {
        _process = process;
        Port = port;
        Address = address;
    }

    public int Port { get; }
    public string Address { get; }
    public int Pid => _process.Id;
    public string Url => $"rtsp://{Address}:{Port}/cam";
    public int Clients => Volatile.Read(ref _clients);
    public int Teardowns => Volatile.Read(ref _teardowns);
    public string Stderr => string.Join("\n", _stderr.TakeLast(40));

    public static int FreeTcpPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Starts the server and waits until it listens. <paramref name="args"/> e.g. "--codec h265 --audio pcmu".</summary>
    public static async Task<GstRtspServer> StartAsync(int port, string args = "", string address = "127.0.0.1", string? netns = null)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "rtsp_server.py");
        var psi = new ProcessStartInfo
        {
            FileName = netns is null ? "/usr/bin/python3" : "/usr/sbin/ip",
            Arguments = (netns is null ? "" : $"netns exec {netns} /usr/bin/python3 ") + $"-u {script} --port {port} --address {address} {args}",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["GST_DEBUG"] = "2";
        var process = Process.Start(psi) ?? throw new InvalidOperationException("python3 did not start");
        var server = new GstRtspServer(process, port, address);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            if (e.Data.StartsWith("READY", StringComparison.Ordinal)) ready.TrySetResult();
            else if (e.Data.StartsWith("CLIENT", StringComparison.Ordinal)) Interlocked.Increment(ref server._clients);
            else if (e.Data.StartsWith("TEARDOWN", StringComparison.Ordinal)) Interlocked.Increment(ref server._teardowns);
            else if (e.Data.StartsWith("ATTACH-FAILED", StringComparison.Ordinal)) ready.TrySetException(new InvalidOperationException($"RTSP server could not bind port {port}"));
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) server._stderr.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
            if (first != ready.Task) throw new InvalidOperationException($"RTSP server did not become ready: {server.Stderr}");
            await ready.Task;
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    /// <summary>Kills the server at once (a camera losing power).</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10000);
        }
        catch (InvalidOperationException)
        {
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
