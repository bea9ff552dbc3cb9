using Appliance.Abstractions;
using Appliance.Core.Updates;
using Appliance.Host.Configuration;
using Appliance.Host.Events;
using Appliance.SystemBus;
using Microsoft.Extensions.Options;

namespace Appliance.Host.SystemServices.Updates;

/// <summary>Where image updates stand: RAUC's state and slots, the running version, the last update, an install's progress.</summary>
public sealed record ImageUpdateStatus(
    string RunningVersion,
    RaucState Rauc,
    IReadOnlyList<RaucSlot> Slots,
    ImageUpdateRecord? Last,
    int? Percent,
    string? Step);

/// <summary>
/// Installs an image bundle: its signature and manifest checked (<see cref="BundleInspector"/>), the core's policy
/// applied (same model, newer unless forced), then RAUC writes it into the inactive slot while the progress is kept
/// for the API. One install at a time. The outcome is recorded (<see cref="ImageUpdateLog"/>) and published as
/// <see cref="ImageUpdateChanged"/>; the verdict after the reboot is <see cref="BootVerdictService"/>'s.
/// </summary>
public sealed class ImageUpdateService(
    RaucClient rauc,
    BundleInspector inspector,
    ImageUpdateLog records,
    OutboxEventBus bus,
    LoginClient login,
    IOptions<ApplianceOptions> options,
    TimeProvider time,
    ILogger<ImageUpdateService> log)
{
    private const string Source = "appliance.host";
    private readonly SemaphoreSlim _busy = new(1, 1);
    private (int Percent, string Step)? _progress;

    /// <summary>The install started last (completed when idle); tests and shutdown wait on it.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public string RunningVersion()
    {
        var file = options.Value.ImageUpdates.VersionFile;
        try
        {
            if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } text) return text;
        }
        catch (IOException)
        {
        }
        return SystemInfo.Version;
    }

    public async Task<Result<ImageUpdateStatus>> StatusAsync(CancellationToken ct)
    {
        var state = await rauc.GetStateAsync(ct);
        if (!state.IsOk) return Result<ImageUpdateStatus>.Fail(state.Failure!);
        var slots = await rauc.GetSlotsAsync(ct);
        if (!slots.IsOk) return Result<ImageUpdateStatus>.Fail(slots.Failure!);
        var progress = _progress;
        return new ImageUpdateStatus(RunningVersion(), state.Value, slots.Value, records.Last(), progress?.Percent, progress?.Step);
    }

    /// <summary>
    /// Checks <paramref name="bundle"/> and starts installing it; the answer comes once the checks are done (a
    /// refusal names its reason), the installation goes on in the background (see <see cref="StatusAsync"/>).
    /// The bundle file is deleted when the installation ends.
    /// </summary>
    public async Task<Result<ImageUpdateRecord>> BeginAsync(string bundle, bool force, CancellationToken ct)
    {
        if (!await _busy.WaitAsync(0, ct)) return Result<ImageUpdateRecord>.Fail("conflict", "an image update is being installed; wait for it to end");
        var started = false;
        try
        {
            var manifest = await inspector.InspectAsync(bundle, ct);
            if (!manifest.IsOk) return Result<ImageUpdateRecord>.Fail(manifest.Failure!);
            var state = await rauc.GetStateAsync(ct);
            if (!state.IsOk) return Result<ImageUpdateRecord>.Fail(state.Failure!);
            var allowed = UpdatesFacade.CheckInstall(state.Value.Compatible, RunningVersion(), manifest.Value, force);
            if (!allowed.IsOk) return Result<ImageUpdateRecord>.Fail(allowed.Failure!);

            var now = time.GetUtcNow();
            var record = new ImageUpdateRecord(manifest.Value.Version, ImageUpdateRecord.Installing, null, null, now, now);
            Record(record);
            _progress = (0, "starting");
            // An install once started runs to its end: the request that started it may go away.
            Completion = Task.Run(() => InstallAsync(bundle, record), CancellationToken.None);
            started = true;
            return record;
        }
        finally
        {
            if (!started)
            {
                _busy.Release();
                TryDelete(bundle);
            }
        }
    }

    private async Task InstallAsync(string bundle, ImageUpdateRecord record)
    {
        try
        {
            var settings = options.Value.ImageUpdates;
            var installed = await rauc.InstallAsync(bundle, (percent, step) => _progress = (percent, step),
                TimeSpan.FromMinutes(settings.InstallTimeoutMinutes), CancellationToken.None);
            if (!installed.IsOk)
            {
                Record(record with { State = ImageUpdateRecord.Failed, Reason = installed.Failure!.Message, Updated = time.GetUtcNow() });
                return;
            }
            var slots = await rauc.GetSlotsAsync(CancellationToken.None);
            var target = slots.IsOk ? slots.Value.FirstOrDefault(s => s.State != "booted" && s.Class == "rootfs")?.Name : null;
            Record(record with { State = ImageUpdateRecord.Installed, Slot = target, Updated = time.GetUtcNow() });
            if (settings.RebootAfterInstall)
            {
                log.LogWarning("Image update {Version} installed into {Slot}: rebooting into it", record.Version, target);
                await login.RebootAsync(CancellationToken.None);
            }
        }
        catch (Exception ex)
        {
            Record(record with { State = ImageUpdateRecord.Failed, Reason = $"the installation failed: {ex.Message}", Updated = time.GetUtcNow() });
            log.LogError(ex, "Image update {Version} failed", record.Version);
        }
        finally
        {
            _progress = null;
            TryDelete(bundle);
            _busy.Release();
        }
    }

    internal void Record(ImageUpdateRecord record)
    {
        records.Save(record);
        bus.Publish(Source, new ImageUpdateChanged(record.Version, record.State, record.Reason));
        if (record.State == ImageUpdateRecord.Failed) log.LogError("Image update {Version}: {Reason}", record.Version, record.Reason);
        else log.LogInformation("Image update {Version}: {State}", record.Version, record.State);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
