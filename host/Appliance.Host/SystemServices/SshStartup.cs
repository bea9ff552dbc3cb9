using Appliance.Abstractions;
using Appliance.Host.Configuration;
using Appliance.Host.Health;
using Microsoft.Extensions.Options;

namespace Appliance.Host.SystemServices;

/// <summary>
/// When system services are on: applies <c>systemServices.ssh</c> at start (<c>applyAtStart</c>), so SSH runs exactly
/// when it is enabled with good keys. The outcome is the health component <c>ssh</c>: refused keys or a failed start or
/// stop is a warning naming why, never a crash.
/// </summary>
public sealed class SshStartup(SshService ssh, HealthRegistry health, IOptions<ApplianceOptions> options, ILogger<SshStartup> log) : BackgroundService
{
    public const string HealthComponent = "ssh";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.SystemServices;
        if (!settings.Enabled || !settings.Ssh.ApplyAtStart) return;
        var applied = await ssh.ApplyAsync(stoppingToken);
        if (!applied.IsOk) log.LogWarning("SSH: not applied: {Failure}", applied.Failure);
        health.Report(TimeSyncService.HealthOwner, HealthComponent, applied.IsOk ? HealthState.Healthy : HealthState.Degraded,
            applied.IsOk ? applied.Value : $"SSH settings not applied: {applied.Failure!.Message}");
    }
}
