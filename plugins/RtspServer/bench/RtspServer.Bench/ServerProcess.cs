using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Appliance.Plugins.RtspServer.Plugin.Tests;

namespace Appliance.Plugins.RtspServer.Bench;

/// <summary>
/// A server under test in its own process (ours: this program with <c>--serve-ours</c>; GStreamer: gst_relay.py), its
/// CPU (utime + stime) and RSS read from /proc the same way for both, and the RTSP/TCP clients that read from it.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<Reader> _clients = [];
    private readonly CancellationTokenSource _stop = new();

    private ServerProcess(string name, Process process, int port)
    {
        Name = name;
        _process = process;
        Url = $"rtsp://127.0.0.1:{port}/{OursServer.StreamName}";
    }

    public string Name { get; }
    public string Url { get; }
    public int Pid => _process.Id;
    public int Clients => _clients.Count;

    public static async Task<ServerProcess> StartAsync(string name, ProcessStartInfo psi)
    {
        psi.RedirectStandardInput = true;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        var process = Process.Start(psi)!;
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) if (stderr.Length < 8192) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(90)) ?? "";
        if (!ready.StartsWith("READY ", StringComparison.Ordinal))
        {
            try { process.Kill(); } catch (InvalidOperationException) { }
            lock (stderr) throw new InvalidOperationException($"{name} server did not start: {ready} {stderr}");
        }
        return new ServerProcess(name, process, int.Parse(ready[6..], CultureInfo.InvariantCulture));
    }

    /// <summary>Connects clients (DESCRIBE, SETUP interleaved, PLAY) until there are <paramref name="total"/>, each then reading and counting bytes.</summary>
    public async Task GrowToAsync(int total)
    {
        while (_clients.Count < total)
        {
            var client = await RawRtspClient.ConnectAsync(new Uri(Url).Port);
            await PlayTcpAsync(client, Url).WaitAsync(TimeSpan.FromSeconds(30));
            var reader = new Reader(client);
            reader.Task = reader.RunAsync(_stop.Token);
            _clients.Add(reader);
        }
    }

    /// <summary>DESCRIBE, SETUP of the video track (its control URL from the SDP: trackID=0 ours, stream=0 GStreamer) interleaved, PLAY.</summary>
    private static async Task PlayTcpAsync(RawRtspClient client, string url)
    {
        var describe = await client.RequestAsync("DESCRIBE", url, "Accept: application/sdp\r\n");
        if (describe.StatusCode != 200) throw new InvalidOperationException($"DESCRIBE: {describe.StatusCode}");
        var sdp = System.Text.Encoding.ASCII.GetString(describe.Body);
        var media = sdp[sdp.IndexOf("m=video", StringComparison.Ordinal)..];
        var control = media.Split("\r\n").First(l => l.StartsWith("a=control:", StringComparison.Ordinal))["a=control:".Length..];
        var baseUrl = (describe.Headers.Get("Content-Base") ?? url + "/").TrimEnd('/');
        var trackUrl = control.StartsWith("rtsp://", StringComparison.Ordinal) ? control : baseUrl + "/" + control;
        var setup = await client.RequestAsync("SETUP", trackUrl, "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n");
        if (setup.StatusCode != 200) throw new InvalidOperationException($"SETUP {trackUrl}: {setup.StatusCode}");
        var play = await client.RequestAsync("PLAY", baseUrl);
        if (play.StatusCode != 200) throw new InvalidOperationException($"PLAY: {play.StatusCode}");
    }

    /// <summary>Bytes received by each client so far.</summary>
    public long[] BytesPerClient() => _clients.Select(c => Interlocked.Read(ref c.Bytes)).ToArray();

    /// <summary>User + system CPU of the server process, in seconds (/proc/&lt;pid&gt;/stat, 100 ticks per second).</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>Resident set size of the server process in KiB (/proc/&lt;pid&gt;/status VmRSS).</summary>
    public long RssKiB()
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return 0;
    }

    /// <summary>A command to our server child (reset, latency); returns its answer line for latency.</summary>
    public async Task<string?> CommandAsync(string command, bool answer)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        return answer ? await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) : null;
    }

    public bool Exited => _process.HasExited;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        foreach (var c in _clients)
        {
            await c.Client.DisposeAsync();
            try { await c.Task; } catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or IOException) { }
        }
        try { _process.StandardInput.Close(); } catch (IOException) { }
        if (!_process.WaitForExit(10000))
        {
            try { _process.Kill(); } catch (InvalidOperationException) { }
            _process.WaitForExit(5000);
        }
        _process.Dispose();
    }

    private sealed class Reader(RawRtspClient client)
    {
        public long Bytes;
        public RawRtspClient Client { get; } = client;
        public Task Task { get; set; } = Task.CompletedTask;

        public async Task RunAsync(CancellationToken ct)
        {
            await Task.Yield();
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var n = await Client.Socket.ReceiveAsync(buffer, SocketFlags.None, ct);
                    if (n == 0) return;
                    Interlocked.Add(ref Bytes, n);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
        }
    }
}
