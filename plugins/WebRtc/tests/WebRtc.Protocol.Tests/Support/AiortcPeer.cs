using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Appliance.Testing;

namespace Appliance.Plugins.WebRtc.Protocol.Tests.Support;

/// <summary>Debian's aiortc (python3-aiortc, under /usr/bin/python3) as a WHEP-style viewer; killed by its pid on dispose.</summary>
public sealed class AiortcPeer : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly TaskCompletionSource<string> _offer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _frames;

    private AiortcPeer(Process process) => _process = process;

    public int Frames => Volatile.Read(ref _frames);

    public string Log => string.Join("\n", _lines.TakeLast(20)) + "\n" + string.Join("\n", _stderr.TakeLast(20));

    public static AiortcPeer Start(int frames)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3", $"-u {Path.Combine(AppContext.BaseDirectory, "Peers", "aiortc_viewer.py")} --frames {frames}")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var peer = new AiortcPeer(Process.Start(psi) ?? throw new InvalidOperationException("python3 did not start"));
        peer._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            peer._lines.Enqueue(e.Data);
            if (e.Data.StartsWith('{')) peer._offer.TrySetResult(JsonDocument.Parse(e.Data).RootElement.GetProperty("offer").GetString()!);
            else if (e.Data.StartsWith("FRAME ", StringComparison.Ordinal)) Interlocked.Increment(ref peer._frames);
        };
        peer._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) peer._stderr.Enqueue(e.Data); };
        peer._process.BeginOutputReadLine();
        peer._process.BeginErrorReadLine();
        return peer;
    }

    public async Task<string> OfferAsync() => await _offer.Task.WaitAsync(TimeSpan.FromSeconds(60));

    public async Task AnswerAsync(string answer)
    {
        await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(new { answer }));
        await _process.StandardInput.FlushAsync();
    }

    public async Task<bool> WaitForFramesAsync(int frames, TimeSpan deadline)
    {
        await Eventually.HoldsWithinAsync(() => Frames >= frames || _process.HasExited, deadline, TimeSpan.FromMilliseconds(200));
        return Frames >= frames;
    }

    public void Dispose() => ChildProcess.Stop(_process);
}
