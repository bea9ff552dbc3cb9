namespace Appliance.Host.SystemServices;

/// <summary>
/// The appliance's one CPU figure: the share of time all cores were busy over the last <see cref="Seconds"/>
/// seconds, from /proc/stat counters sampled every few seconds (the system-health plugin's default interval is the
/// same window). Before a whole window has passed, the figure covers the time since the first sample. Not thread-safe:
/// <see cref="SystemInfo"/> holds the lock.
/// </summary>
public sealed class CpuWindow
{
    /// <summary>The window the figure covers, as the portal and the API say it.</summary>
    public const int Seconds = 30;

    private readonly Queue<(DateTimeOffset At, long Busy, long Total)> _samples = new();

    /// <summary>Adds a reading of the counters and drops readings older than the window (keeping one at its start).</summary>
    public void Add(DateTimeOffset at, long busy, long total)
    {
        if (_samples.Count > 0 && total < _samples.Last().Total) _samples.Clear(); // counters went back: a new boot or a bad read
        _samples.Enqueue((at, busy, total));
        while (_samples.Count > 2 && at - _samples.ElementAt(1).At >= TimeSpan.FromSeconds(Seconds)) _samples.Dequeue();
    }

    /// <summary>Busy share in percent (one decimal) between the oldest and newest reading; 0 with fewer than two.</summary>
    public double Percent()
    {
        if (_samples.Count < 2) return 0;
        var first = _samples.Peek();
        var last = _samples.Last();
        var total = last.Total - first.Total;
        return total <= 0 ? 0 : Math.Round(Math.Clamp(100.0 * (last.Busy - first.Busy) / total, 0, 100), 1);
    }
}
