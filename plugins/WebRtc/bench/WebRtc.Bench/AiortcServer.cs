using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Appliance.Testing;

namespace Appliance.Plugins.WebRtc.Bench;

/// <summary>Debian's aiortc as the comparison WHEP server (Peers/aiortc_whep_server.py under /usr/bin/python3), fed offers over stdin; killed by its pid on dispose.</summary>
internal sealed class AiortcServer : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _waiting = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private int _next;

    private AiortcServer(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null || !e.Data.StartsWith('{')) return;
            var json = JsonDocument.Parse(e.Data).RootElement.Clone();
            if (json.TryGetProperty("ready", out JsonElement _)) _ready.TrySetResult();
            else if (_waiting.TryRemove(json.GetProperty("id").GetInt32(), out var w)) w.TrySetResult(json);
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _stderr.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static async Task<AiortcServer> StartAsync(string file)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Peers", "aiortc_whep_server.py");
        var psi = new ProcessStartInfo("/usr/bin/python3", ["-u", script, "--file", file])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var server = new AiortcServer(Process.Start(psi) ?? throw new InvalidOperationException("python3 did not start"));
        if (await Task.WhenAny(server._ready.Task, Task.Delay(TimeSpan.FromSeconds(60))) != server._ready.Task)
        {
            server.Dispose();
            throw new InvalidOperationException("aiortc did not start: " + string.Join("\n", server._stderr));
        }
        return server;
    }

    /// <summary>The answer to <paramref name="offer"/> and the peer's id, or the error aiortc gave.</summary>
    public async Task<(int Id, string? Answer, string? Error)> AnswerAsync(string offer)
    {
        var id = Interlocked.Increment(ref _next);
        var waiting = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = waiting;
        await SendAsync(new { id, offer });
        var reply = await waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return reply.TryGetProperty("answer", out var a) ? (id, a.GetString(), null) : (id, null, reply.GetProperty("error").GetString());
    }

    /// <summary>The last lines aiortc wrote to stderr.</summary>
    public string Log => string.Join("\n", _stderr.TakeLast(30));

    public Task CloseAsync(int id) => SendAsync(new { close = id });

    private async Task SendAsync(object message)
    {
        await _writeGate.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(message));
            await _process.StandardInput.FlushAsync();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public void Dispose() => ChildProcess.Stop(_process);
}
