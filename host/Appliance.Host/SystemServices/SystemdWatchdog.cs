using System.Globalization;
using Appliance.Abstractions;
using Appliance.Host.Health;
using Appliance.Host.SystemServices.Liveness;
using Microsoft.Extensions.Hosting.Systemd;

namespace Appliance.Host.SystemServices;

/// <summary>
/// Pets the systemd watchdog (<c>WatchdogSec=</c> in the unit) in rounds (<see cref="WatchdogSchedule"/>: every
/// sixth of the timeout), but only when every host loop (plugin manager, outbox, HTTP) has proved progress in that
/// round (<see cref="WatchdogRound"/>). A stuck loop stops the petting, so systemd restarts the host. Readiness
/// (<c>READY=1</c>) is sent by <c>UseSystemd()</c> or, where that does not recognise systemd, by
/// <see cref="SystemdReadiness"/>.
/// </summary>
public sealed class SystemdWatchdog(ISystemdNotifier notifier, WatchdogRound round, HealthRegistry health, ILogger<SystemdWatchdog> log,
    TimeProvider? time = null, IHostApplicationLifetime? lifetime = null)
    : BackgroundService
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    private const string Component = "watchdog";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!notifier.IsEnabled) return;
        var usec = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        if (!long.TryParse(usec, NumberStyles.Integer, CultureInfo.InvariantCulture, out var micro) || micro <= 0) return;
        // Rounds from READY=1 on (systemd enforces the watchdog from then): before that Kestrel has no address, and a
        // round would report the host unhealthy while it is only starting (seen in the TCG boot: 30 s "unhealthy").
        if (lifetime is not null) await WhenStartedAsync(lifetime.ApplicationStarted, stoppingToken);
        var schedule = new WatchdogSchedule(TimeSpan.FromMicroseconds(micro));
        log.LogInformation("systemd watchdog {Timeout}: a round every {Period}, pet only when {Loops} make progress",
            schedule.Timeout, schedule.Period, string.Join(", ", round.Names));
        // systemd counts from READY=1, which comes after this loop has started: counting from here is on the safe side.
        var lastPet = _time.GetTimestamp();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var started = _time.GetTimestamp();
                var verdict = await PetIfAliveAsync(schedule.CheckDeadline(_time.GetElapsedTime(lastPet, started)), stoppingToken);
                if (verdict.Pet) lastPet = _time.GetTimestamp();
                await Task.Delay(schedule.NextRoundIn(_time.GetElapsedTime(started)), _time, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Completes when <paramref name="started"/> fires (the host's ApplicationStarted); cancelled by <paramref name="stopping"/>.</summary>
    public static async Task WhenStartedAsync(CancellationToken started, CancellationToken stopping)
    {
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = started.Register(() => fired.TrySetResult());
        await fired.Task.WaitAsync(stopping);
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
