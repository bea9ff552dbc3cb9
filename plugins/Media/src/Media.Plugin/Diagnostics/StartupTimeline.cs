using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Appliance.Plugins.Media.Plugin.Diagnostics;

/// <summary>
/// When the media plugin's start phases happened, in milliseconds since its process started (route <c>startup</c>):
/// the plugin start call, FFmpeg loaded, codecs probed, and per camera its pipeline, first hub unit and first decoded
/// frame (the first snapshot). After a crash this says where the time to fresh outputs went. The first time of each
/// mark counts; thread-safe.
/// </summary>
internal sealed class StartupTimeline
{
    private readonly DateTimeOffset _processStarted;
    private readonly ConcurrentDictionary<string, double> _marks = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public StartupTimeline()
    {
        using var self = Process.GetCurrentProcess();
        _processStarted = new DateTimeOffset(self.StartTime.ToUniversalTime(), TimeSpan.Zero);
    }

    /// <summary>Notes <paramref name="phase"/> now, unless it was noted before.</summary>
    public void Mark(string phase)
    {
        if (_marks.TryAdd(phase, (DateTimeOffset.UtcNow - _processStarted).TotalMilliseconds)) _order.Enqueue(phase);
    }

    public bool Has(string phase) => _marks.ContainsKey(phase);

    /// <summary><c>{"processStarted": ISO time, "pid": n, "phases": [{"phase", "ms"}]}</c>, phases in the order noted.</summary>
    public string Json() => JsonSerializer.Serialize(new
    {
        processStarted = _processStarted,
        pid = Environment.ProcessId,
        phases = _order.Select(p => new { phase = p, ms = Math.Round(_marks[p], 1) }),
    });
}
