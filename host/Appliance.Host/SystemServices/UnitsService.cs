using Appliance.Abstractions;
using Appliance.Host.Configuration;
using Appliance.SystemBus;
using Microsoft.Extensions.Options;

namespace Appliance.Host.SystemServices;

/// <summary>A unit in the service view, with whether a user may restart it.</summary>
public sealed record UnitView(string Name, string Description, string LoadState, string ActiveState, string SubState, bool Restartable);

/// <summary>The service view: the configured units' states, and restarts of the ones configured as restartable only.</summary>
public sealed class UnitsService(SystemdClient systemd, IOptions<ApplianceOptions> options, ILogger<UnitsService> log)
{
    private SystemServicesOptions Settings => options.Value.SystemServices;

    public async Task<Result<IReadOnlyList<UnitView>>> ListAsync(CancellationToken ct)
    {
        var restartable = Settings.EffectiveRestartableUnits;
        var units = await systemd.GetUnitsAsync(Settings.EffectiveUnits, ct);
        return units.Map<IReadOnlyList<UnitView>>(list => list
            .Select(u => new UnitView(u.Name, u.Description, u.LoadState, u.ActiveState, u.SubState, restartable.Contains(u.Name)))
            .ToList());
    }

    /// <summary>Restarts a unit that is configured as restartable (<c>forbidden</c> otherwise) and waits for its job.</summary>
    public async Task<Result<string>> RestartAsync(string unit, CancellationToken ct)
    {
        if (!Settings.EffectiveRestartableUnits.Contains(unit))
            return Result<string>.Fail("forbidden", $"{unit} is not one of the units that may be restarted ({string.Join(", ", Settings.EffectiveRestartableUnits)})");
        var job = await systemd.RestartUnitAsync(unit, ct);
        if (job.IsOk) log.LogInformation("Restarted {Unit} (job {Job})", unit, job.Value);
        else log.LogWarning("Restart of {Unit} failed: {Failure}", unit, job.Failure);
        return job;
    }
}
