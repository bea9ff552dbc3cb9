using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Appliance.Plugins.Media.Plugin.Tests.EndToEnd;

/// <summary>
/// Where the time from a crash of the media process to its first fresh snapshot went: from the crash to the new
/// process (the supervisor noticing, its backoff, the spawn), and the new process's own start phases (its
/// <c>startup</c> route: ms since that process started) up to the moment the test saw the fresh snapshot.
/// </summary>
internal static class RestartPhases
{
    /// <summary>One line per phase, each with its time since the crash and the step from the phase before.</summary>
    public static string Describe(DateTimeOffset crashedAt, DateTimeOffset freshSeenAt, JsonElement startup)
    {
        var processStarted = startup.GetProperty("processStarted").GetDateTimeOffset();
        var lines = new StringBuilder();
        var previous = 0.0;
        void Line(string phase, double sinceCrash)
        {
            lines.Append(CultureInfo.InvariantCulture, $"  {sinceCrash,7:0} ms  (+{sinceCrash - previous,6:0})  {phase}\n");
            previous = sinceCrash;
        }
        var offset = (processStarted - crashedAt).TotalMilliseconds;
        Line($"new process {startup.GetProperty("pid").GetInt32()} started (crash noticed, backoff, spawn; /proc start time, 10 ms steps)", offset);
        foreach (var phase in startup.GetProperty("phases").EnumerateArray())
            Line(phase.GetProperty("phase").GetString()!, offset + phase.GetProperty("ms").GetDouble());
        Line("the test saw a fresh snapshot (polled every 50 ms)", (freshSeenAt - crashedAt).TotalMilliseconds);
        return lines.ToString();
    }
}
