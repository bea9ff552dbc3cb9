using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;

namespace Appliance.Plugins.Onvif.Simulator;

/// <summary>
/// Runs the npm ONVIF clients of plugins/Onvif/tests/peers (pinned in its package-lock.json; <c>npm ci</c> when
/// node_modules is missing), optionally inside a network namespace (<c>ip netns exec</c>). Output is read line by line so a
/// test can act between two lines (publish an event once the client has subscribed).
/// </summary>
public sealed class NodePeer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly System.Text.StringBuilder _error = new();

    private NodePeer(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is null) _lines.Writer.TryComplete(); else _lines.Writer.TryWrite(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_error) _error.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Error { get { lock (_error) return _error.ToString(); } }

    public static string Directory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "plugins", "Onvif", "tests", "peers");
            if (File.Exists(Path.Combine(candidate, "package-lock.json"))) return candidate;
        }
        throw new InvalidOperationException("plugins/Onvif/tests/peers not found above " + AppContext.BaseDirectory);
    }

    public static async Task EnsureInstalledAsync()
    {
        var peers = Directory();
        if (System.IO.Directory.Exists(Path.Combine(peers, "node_modules", "onvif")) && System.IO.Directory.Exists(Path.Combine(peers, "node_modules", "node-onvif"))) return;
        await using var install = Start(null, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
        var code = await install.ExitAsync(TimeSpan.FromMinutes(3));
        if (code != 0) throw new InvalidOperationException("npm ci failed: " + install.Error);
    }

    /// <summary>Starts <paramref name="file"/> in the peers folder, in namespace <paramref name="netns"/> when given.</summary>
    public static NodePeer Start(string? netns, string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(netns is null ? file : "ip") { WorkingDirectory = Directory(), RedirectStandardOutput = true, RedirectStandardError = true };
        if (netns is not null) foreach (var a in new[] { "netns", "exec", netns, file }) info.ArgumentList.Add(a);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        return new NodePeer(Process.Start(info)!);
    }

    /// <summary>The next stdout line as JSON; throws with stderr when the process ends first.</summary>
    public async Task<JsonElement> NextJsonAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(cts.Token))
                if (_lines.Reader.TryRead(out var line) && line.TrimStart().StartsWith('{'))
                    return JsonDocument.Parse(line).RootElement.Clone();
        }
        catch (OperationCanceledException) { }
        await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
        throw new InvalidOperationException($"no JSON line from the peer (exit {(_process.HasExited ? _process.ExitCode : -1)}): {Error}");
    }

    public async Task<int> ExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
