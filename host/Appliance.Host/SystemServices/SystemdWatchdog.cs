using System.Globalization;
using Microsoft.Extensions.Hosting.Systemd;

namespace Appliance.Host.SystemServices;

/// <summary>
/// Pets the systemd watchdog (<c>WatchdogSec=</c> in the unit) at half its interval while the host's
/// loop is alive. Readiness (<c>READY=1</c>) is sent by <c>UseSystemd()</c> once the host has started.
/// </summary>
public sealed class SystemdWatchdog(ISystemdNotifier notifier, ILogger<SystemdWatchdog> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!notifier.IsEnabled) return;
        var usec = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        if (!long.TryParse(usec, NumberStyles.Integer, CultureInfo.InvariantCulture, out var micro) || micro <= 0) return;
        var interval = TimeSpan.FromMicroseconds(micro / 2.0);
        log.LogInformation("systemd watchdog every {Interval}", interval);
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                notifier.Notify(new ServiceState("WATCHDOG=1"));
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
    }
}
