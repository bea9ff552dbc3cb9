using Appliance.Abstractions;
using Appliance.Core.Updates;
using Appliance.Host.Configuration;
using Appliance.Host.Health;
using Appliance.Host.Plugins;
using Appliance.SystemBus;
using Microsoft.Extensions.Options;

namespace Appliance.Host.SystemServices.Updates;

/// <summary>
/// The booted slot's verdict, every boot. The bootloader counts an attempt each time it boots a slot (GRUB: X_TRY=1)
/// and gives the slot up on the next boot unless it was marked good since. So: after a reboot that followed an image
/// update, if the appliance runs the new slot, its health is watched (every component reported not unhealthy, every
/// enabled plugin running) and the core's <see cref="ImageUpdate.decideBoot"/> decides: good marks the slot good,
/// bad past the deadline marks it bad and reboots into the old one. If the bootloader fell back to the old slot (the
/// new one's host never got this far), the update is recorded as failed, the new slot marked bad (not tried again)
/// and the running one good. Any other boot marks the running slot good once the host has started.
/// </summary>
public sealed class BootVerdictService(
    RaucClient rauc,
    ImageUpdateLog records,
    ImageUpdateService updates,
    HealthRegistry health,
    PluginManager plugins,
    LoginClient login,
    IOptions<ApplianceOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<BootVerdictService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.ImageUpdates;
        if (!settings.Enabled || !options.Value.SystemServices.Enabled) return;
        if (records.Last() is not { State: ImageUpdateRecord.Installed or ImageUpdateRecord.Verifying } record)
        {
            await StartedAsync(stoppingToken);
            await MarkRunningSlotGoodAsync(stoppingToken);
            return;
        }
        var slots = await rauc.GetSlotsAsync(stoppingToken);
        if (!slots.IsOk)
        {
            log.LogWarning("Image update {Version}: cannot read RAUC's slots ({Reason}); no verdict this boot", record.Version, slots.Failure!.Message);
            return;
        }
        var booted = slots.Value.FirstOrDefault(s => s.State == "booted")?.Name;
        if (booted != record.Slot)
        {
            var reason = $"the appliance booted {booted ?? "an unknown slot"}, not the updated {record.Slot}: the bootloader fell back";
            var other = await rauc.MarkAsync(good: false, "other", stoppingToken);
            updates.Record(record with
            {
                State = ImageUpdateRecord.Failed,
                Reason = other.IsOk ? reason : $"{reason}; marking {record.Slot} bad failed: {other.Failure!.Message}",
                Updated = time.GetUtcNow(),
            });
            await StartedAsync(stoppingToken);
            await MarkRunningSlotGoodAsync(stoppingToken);
            return;
        }
        var since = record.Booted ?? time.GetUtcNow();
        if (record.State != ImageUpdateRecord.Verifying) updates.Record(record = record with { State = ImageUpdateRecord.Verifying, Booted = since, Updated = time.GetUtcNow() });

        var deadline = TimeSpan.FromSeconds(settings.MarkGoodDeadlineSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            switch (UpdatesFacade.DecideBoot(deadline, time.GetUtcNow() - since, Checks()))
            {
                case var v when v.IsMarkGood:
                    var good = await rauc.MarkAsync(good: true, "booted", stoppingToken);
                    updates.Record(good.IsOk
                        ? record with { State = ImageUpdateRecord.Good, Reason = null, Updated = time.GetUtcNow() }
                        : record with { State = ImageUpdateRecord.Failed, Reason = $"healthy, but RAUC did not mark the slot good: {good.Failure!.Message}", Updated = time.GetUtcNow() });
                    return;
                case ImageUpdate.BootVerdict.MarkBad bad:
                    var marked = await rauc.MarkAsync(good: false, "booted", stoppingToken);
                    updates.Record(record with
                    {
                        State = ImageUpdateRecord.Failed,
                        Reason = marked.IsOk ? bad.reason : $"{bad.reason}; marking the slot bad failed: {marked.Failure!.Message}",
                        Updated = time.GetUtcNow(),
                    });
                    if (settings.RebootOnBadSlot) await login.RebootAsync(stoppingToken);
                    return;
                default:
                    await Task.Delay(TimeSpan.FromSeconds(settings.BootCheckSeconds), time, stoppingToken);
                    break;
            }
        }
    }

    /// <summary>Ends the running slot's boot attempt: without this the bootloader would not boot it again.</summary>
    private async Task MarkRunningSlotGoodAsync(CancellationToken ct)
    {
        var marked = await rauc.MarkAsync(good: true, "booted", ct);
        if (marked.IsOk) log.LogInformation("Booted slot marked good ({Answer})", marked.Value);
        else log.LogWarning("Cannot mark the booted slot good ({Reason}): the bootloader may choose the other slot at the next boot", marked.Failure!.Message);
    }

    private async Task StartedAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(ct);
    }

    /// <summary>The host itself (it got here), every reported component, every enabled plugin.</summary>
    private List<ImageUpdate.BootCheck> Checks()
    {
        var checks = new List<ImageUpdate.BootCheck> { new("host", true) };
        checks.AddRange(health.All().Select(h => new ImageUpdate.BootCheck($"{h.Owner}/{h.Report.Component}", h.Report.State != HealthState.Unhealthy)));
        checks.AddRange(plugins.List().Where(p => p.Enabled)
            .Select(p => new ImageUpdate.BootCheck($"plugin {p.Id}", p.State is PluginState.Running)));
        return checks;
    }
}
