namespace Appliance.Isolation.Supervision;

/// <summary>What to do after a crash.</summary>
public abstract record RestartDecision
{
    public sealed record Restart(TimeSpan After, int CrashesInWindow) : RestartDecision;

    public sealed record Quarantine(int CrashesInWindow, TimeSpan Window) : RestartDecision;
}

/// <summary>
/// Restart with backoff, quarantine after repeated crashes. Pure: the crash times in, a decision out. The backoff
/// step is the number of crashes inside the window before this one, so a plugin that ran quietly for a whole
/// window restarts at once again.
/// </summary>
public static class RestartPolicy
{
    public static RestartDecision Decide(IReadOnlyList<DateTimeOffset> crashes, DateTimeOffset now, SupervisorOptions options)
    {
        var recent = crashes.Count(c => now - c <= options.CrashWindow);
        if (recent >= options.MaxCrashes) return new RestartDecision.Quarantine(recent, options.CrashWindow);
        var step = Math.Clamp(recent - 1, 0, options.Backoff.Count - 1);
        return new RestartDecision.Restart(options.Backoff.Count == 0 ? TimeSpan.Zero : options.Backoff[step], recent);
    }
}
