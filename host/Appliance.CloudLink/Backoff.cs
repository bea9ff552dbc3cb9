namespace Appliance.CloudLink;

/// <summary>
/// Capped exponential backoff with full jitter: the n-th wait is uniform in [base, min(cap, base * 2^n)], so a fleet
/// that lost its broker at the same moment does not come back at the same moment.
/// </summary>
public sealed class Backoff(TimeSpan initial, TimeSpan cap, Random random)
{
    private int _attempt;

    public TimeSpan Next()
    {
        var ceiling = Math.Min(cap.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(_attempt, 30)));
        _attempt++;
        var floor = Math.Min(initial.TotalMilliseconds, ceiling);
        return TimeSpan.FromMilliseconds(floor + random.NextDouble() * (ceiling - floor));
    }

    public void Reset() => _attempt = 0;
}
