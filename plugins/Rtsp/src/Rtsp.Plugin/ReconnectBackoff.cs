namespace Appliance.Plugins.Rtsp.Plugin;

/// <summary>
/// Capped exponential backoff with "equal jitter": the n-th delay is d/2 + random(0, d/2) with
/// d = min(max, initial · 2^n). Reset after a session that played.
/// </summary>
public sealed class ReconnectBackoff(TimeSpan initial, TimeSpan max, Func<double> random)
{
    private int _attempt;

    public int Attempt => _attempt;

    public TimeSpan Next()
    {
        var factor = Math.Pow(2, Math.Min(_attempt, 30));
        var capped = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * factor);
        _attempt++;
        return TimeSpan.FromMilliseconds(capped / 2 + random() * capped / 2);
    }

    public void Reset() => _attempt = 0;
}
