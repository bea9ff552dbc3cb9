using System.Diagnostics;
using System.Net.Sockets;

namespace Appliance.Testing;

/// <summary>A GStreamer RTSP test-pattern camera (dev/demo-camera.py), optionally inside a network namespace; killable and restartable on the same port.</summary>
public sealed class DemoCamera : IDisposable
{
    private Process? _process;

    public DemoCamera(string address, int port, string? netns = null)
    {
        Address = address;
        Port = port;
        Netns = netns;
    }

    public string Address { get; }

    public int Port { get; }

    public string? Netns { get; }

    public string Uri => $"rtsp://{Address}:{Port}/demo";

    public async Task StartAsync()
    {
        var script = Path.Combine(RepoPaths.Root, "dev", "demo-camera.py");
        string[] command = ["/usr/bin/python3", script, "--port", Port.ToString(), "--path", "/demo", "--address", Address];
        if (Netns is not null) command = ["ip", "netns", "exec", Netns, .. command];
        _process = Process.Start(new ProcessStartInfo(command[0], command[1..]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        var ready = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (ready is null || !ready.StartsWith("demo camera on", StringComparison.Ordinal))
            throw new InvalidOperationException("the GStreamer demo camera did not start: " + ready);
        if (Netns is null) await WaitListening();
    }

    private async Task WaitListening()
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(Address, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException("the demo camera is not listening on " + Port);
    }

    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(10_000);
        }
        _process?.Dispose();
        _process = null;
    }

    public void Dispose() => Kill();
}
