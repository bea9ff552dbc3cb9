using System.Diagnostics;
using System.Globalization;

namespace Appliance.Isolation.Supervision;

/// <summary>
/// How far a plugin process's start got and when (seconds since its launch): <c>connected</c> (the child's runtime
/// is up and dialled the control socket), <c>handshake</c>, <c>started</c> (the plugin's own StartAsync returned).
/// Said in the log after a start and in the error of a start that timed out, so a slow start names its slow part.
/// </summary>
internal sealed class StartPhases
{
    private readonly long _launched = Stopwatch.GetTimestamp();
    private readonly List<(string Phase, TimeSpan At)> _reached = [];

    public void Reached(string phase) => _reached.Add((phase, Stopwatch.GetElapsedTime(_launched)));

    /// <summary>E.g. "launched, connected after 9.1 s, handshake after 9.3 s, waiting for started at 15.0 s".</summary>
    public string Describe()
    {
        var parts = new List<string> { "launched" };
        parts.AddRange(_reached.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Phase} after {r.At.TotalSeconds:0.0} s")));
        var next = _reached.Count switch { 0 => "connected", 1 => "handshake", 2 => "started", _ => null };
        if (next is not null)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"waiting for {next} at {Stopwatch.GetElapsedTime(_launched).TotalSeconds:0.0} s"));
        return string.Join(", ", parts);
    }
}
