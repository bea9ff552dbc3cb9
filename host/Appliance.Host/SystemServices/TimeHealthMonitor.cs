using Appliance.Host.Configuration;
using Appliance.Host.Health;
using Microsoft.Extensions.Options;

namespace Appliance.Host.SystemServices;

/// <summary>
/// When system services are on: applies the NTP servers at start (<c>applyTimeAtStart</c>), then checks the clock every
/// <c>timeCheckSeconds</c> (health component <c>time</c>). A failed apply is a health warning naming why, not a crash.
/// </summary>
public sealed class TimeHealthMonitor(TimeSyncService time, HealthRegistry health, TimeProvider clock, IOptions<ApplianceOptions> options,
    ILogger<TimeHealthMonitor> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.SystemServices;
        if (!settings.Enabled) return;
        if (settings.ApplyTimeAtStart)
        {
            var applied = await time.ApplyNtpServersAsync(stoppingToken);
            if (!applied.IsOk)
            {
                log.LogWarning("Time: the NTP servers could not be applied: {Failure}", applied.Failure);
                health.Report(TimeSyncService.HealthOwner, "time-apply", Appliance.Abstractions.HealthState.Degraded,
                    $"the NTP servers could not be applied: {applied.Failure!.Message}");
            }
            else
            {
                health.Report(TimeSyncService.HealthOwner, "time-apply", Appliance.Abstractions.HealthState.Healthy, applied.Value);
            }
        }
        if (settings.TimeCheckSeconds <= 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, settings.TimeCheckSeconds)), clock);
        try
        {
            do
            {
                await time.CheckAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
