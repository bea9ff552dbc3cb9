using System.Globalization;
using Appliance.Abstractions;
using Appliance.Host.Health;
using Appliance.Host.SystemServices.Liveness;
using Microsoft.Extensions.Hosting.Systemd;

namespace Appliance.Host.SystemServices;

/// <summary>
/// Pets the systemd watchdog (<c>WatchdogSec=</c> in the unit) at half its interval, but only when every host loop
/// (plugin manager, outbox, HTTP) has proved progress in that round (<see cref="WatchdogRound"/>). A stuck loop
/// stops the petting, so systemd restarts the host. Readiness (<c>READY=1</c>) is sent by <c>UseSystemd()</c> or,
/// where that does not recognise systemd, by <see cref="SystemdReadiness"/>.
/// </summary>
public sealed class SystemdWatchdog(ISystemdNotifier notifier, WatchdogRound round, HealthRegistry health, ILogger<SystemdWatchdog> log)
    : BackgroundService
{
    private const string Component = "watchdog";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!notifier.IsEnabled) return;
        var usec = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        if (!long.TryParse(usec, NumberStyles.Integer, CultureInfo.InvariantCulture, out var micro) || micro <= 0) return;
        var interval = TimeSpan.FromMicroseconds(micro / 2.0);
        log.LogInformation("systemd watchdog every {Interval}, pet only when {Loops} make progress", interval, string.Join(", ", round.Names));
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                await PetIfAliveAsync(interval * 0.8, stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One round: run the liveness checks under <paramref name="deadline"/>, pet only if all passed.</summary>
    public async Task<WatchdogVerdict> PetIfAliveAsync(TimeSpan deadline, CancellationToken ct)
    {
        var verdict = await round.RunAsync(deadline, ct);
        if (verdict.Pet)
        {
            notifier.Notify(new ServiceState("WATCHDOG=1"));
            health.Clear("host", Component);
        }
        else
        {
            log.LogWarning("Not petting the systemd watchdog: {Verdict}", verdict.Describe());
            health.Report("host", Component, HealthState.Unhealthy, verdict.Describe());
        }
        return verdict;
    }
}
