using System.Globalization;

namespace Appliance.Host.SystemServices.Liveness;

/// <summary>A loop that did not prove progress in a round, and why (its exception, or no answer in time).</summary>
public sealed record StuckCheck(string Name, string Reason)
{
    public override string ToString() => $"{Name} ({Reason})";
}

/// <summary>The outcome of one watchdog round: pet systemd only if every loop proved progress in time.</summary>
public sealed record WatchdogVerdict(bool Pet, IReadOnlyList<StuckCheck> Stuck)
{
    public string Describe() => Pet ? "all loops made progress" : $"no progress within the deadline: {string.Join("; ", Stuck)}";
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
        var outcomes = await Task.WhenAll(_checks.Select(c => ProveAsync(c, deadline, timeout.Token)));
        var stuck = outcomes.OfType<StuckCheck>().ToList();
        return new WatchdogVerdict(stuck.Count == 0, stuck);
    }

    /// <summary>Null when the check proved progress, else what stopped it.</summary>
    private static async Task<StuckCheck?> ProveAsync(ILivenessCheck check, TimeSpan deadline, CancellationToken ct)
    {
        try
        {
            // WaitAsync: a check that ignores its token still cannot hold the round past the deadline.
            await check.ProveProgressAsync(ct).WaitAsync(ct);
            return null;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            var ms = deadline.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
            return new StuckCheck(check.Name, $"no answer within {ms} ms");
        }
        catch (Exception e)
        {
            return new StuckCheck(check.Name, Explain(e));
        }
    }

    /// <summary>The exception's type and message, then its inner exceptions' (a socket error under an HTTP one).</summary>
    public static string Explain(Exception e)
    {
        var parts = new List<string>();
        for (Exception? x = e; x is not null && parts.Count < 4; x = x.InnerException)
            parts.Add($"{x.GetType().Name}: {x.Message}");
        return string.Join(" <- ", parts);
    }
}
