namespace Appliance.Host.SystemServices.Liveness;

/// <summary>The outcome of one watchdog round: pet systemd only if every loop proved progress in time.</summary>
public sealed record WatchdogVerdict(bool Pet, IReadOnlyList<string> Stuck)
{
    public string Describe() => Pet ? "all loops made progress" : $"no progress within the deadline: {string.Join(", ", Stuck)}";
}

/// <summary>
/// Runs every <see cref="ILivenessCheck"/> at once under one deadline. The watchdog pets only on a verdict with
/// <see cref="WatchdogVerdict.Pet"/>, so a stuck plugin manager, outbox or HTTP server stops the petting and
/// systemd restarts the host after <c>WatchdogSec=</c>.
/// </summary>
public sealed class WatchdogRound(IEnumerable<ILivenessCheck> checks)
{
    private readonly IReadOnlyList<ILivenessCheck> _checks = checks.ToList();

    public IReadOnlyList<string> Names => _checks.Select(c => c.Name).ToList();

    public async Task<WatchdogVerdict> RunAsync(TimeSpan deadline, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(deadline);
        var outcomes = await Task.WhenAll(_checks.Select(c => ProveAsync(c, timeout.Token)));
        var stuck = _checks.Where((_, i) => !outcomes[i]).Select(c => c.Name).ToList();
        return new WatchdogVerdict(stuck.Count == 0, stuck);
    }

    private static async Task<bool> ProveAsync(ILivenessCheck check, CancellationToken ct)
    {
        try
        {
            // WaitAsync: a check that ignores its token still cannot hold the round past the deadline.
            await check.ProveProgressAsync(ct).WaitAsync(ct);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
