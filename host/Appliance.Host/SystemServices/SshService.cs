using Appliance.Abstractions;
using Appliance.Core;
using Appliance.Host.Configuration;
using Appliance.SystemBus;
using Microsoft.Extensions.Options;

namespace Appliance.Host.SystemServices;

/// <summary>What the API and the portal show about the maintenance login.</summary>
public sealed record SshStatus(
    bool Enabled,
    IReadOnlyList<string> Zones,
    IReadOnlyList<SshKeySummary> Keys,
    string AuthorizedKeysFile,
    UnitState? Unit,
    IReadOnlyList<string> Errors);

/// <summary>
/// The maintenance login (<c>systemServices.ssh</c>): on, the checked keys are written to the authorized keys file
/// (only when they differ) and the SSH unit is started; off, or with any key refused, the file (if any) is emptied and
/// a running unit stopped (fail closed). sshd reads the file at each login, so new keys need no restart.
/// </summary>
public sealed class SshService(SystemdClient systemd, IOptions<ApplianceOptions> options, ILogger<SshService> log)
{
    private SshOptions Settings => options.Value.SystemServices.Ssh;

    public async Task<Result<string>> ApplyAsync(CancellationToken ct)
    {
        var settings = Settings;
        var keys = SshFacade.AuthorizedKeys(settings.Enabled ? settings.AuthorizedKeys : []);
        if (!settings.Enabled || !keys.IsOk)
        {
            var off = await TurnOffAsync(settings, ct);
            if (!off.IsOk) return off;
            if (!keys.IsOk)
            {
                log.LogWarning("SSH: keys refused, {Unit} not running: {Failure}", settings.Unit, keys.Failure);
                return Result<string>.Fail(keys.Failure!);
            }
            log.LogInformation("SSH: off ({Done})", off.Value);
            return $"SSH off: {off.Value}";
        }
        var written = await WriteAsync(settings.AuthorizedKeysFile, keys.Value.File, ct);
        if (!written.IsOk) return written;
        var start = await systemd.StartUnitAsync(settings.Unit, ct);
        if (!start.IsOk) return Result<string>.Fail(start.Failure!);
        var done = $"SSH on: {keys.Value.Keys.Length} key(s) in {settings.AuthorizedKeysFile} ({written.Value}); {settings.Unit} started";
        log.LogInformation("SSH: {Done}", done);
        return done;
    }

    /// <summary>
    /// No keys and no running unit: a keys file that exists is emptied, a unit that is active (or activating) is
    /// stopped. Where SSH never ran (no file, unit inactive or not installed) nothing is written or called.
    /// </summary>
    private async Task<Result<string>> TurnOffAsync(SshOptions settings, CancellationToken ct)
    {
        var done = new List<string>();
        if (File.Exists(settings.AuthorizedKeysFile))
        {
            var emptied = await WriteAsync(settings.AuthorizedKeysFile, SshFacade.AuthorizedKeys([]).Value.File, ct);
            if (!emptied.IsOk) return emptied;
            done.Add($"no keys in {settings.AuthorizedKeysFile}");
        }
        var unit = await systemd.GetUnitAsync(settings.Unit, ct);
        if (!unit.IsOk) return Result<string>.Fail(unit.Failure!);
        if (unit.Value.LoadState != "not-found" && unit.Value.ActiveState is not ("inactive" or "failed"))
        {
            var stop = await systemd.StopUnitAsync(settings.Unit, ct);
            if (!stop.IsOk) return Result<string>.Fail(stop.Failure!);
            done.Add($"{settings.Unit} stopped");
        }
        else done.Add($"{settings.Unit} not running");
        return string.Join("; ", done);
    }

    public async Task<SshStatus> StatusAsync(CancellationToken ct)
    {
        var settings = Settings;
        var keys = SshFacade.AuthorizedKeys(settings.AuthorizedKeys);
        var unit = await systemd.GetUnitAsync(settings.Unit, ct);
        var errors = new List<string>();
        if (!keys.IsOk) errors.AddRange(keys.Failure!.Errors);
        if (!unit.IsOk) errors.Add($"{settings.Unit}: {unit.Failure!.Message}");
        return new SshStatus(settings.Enabled, settings.Enabled ? settings.EffectiveZones(options.Value.Network.ManagementZone) : [],
            keys.IsOk ? keys.Value.Keys : [], settings.AuthorizedKeysFile, unit.IsOk ? unit.Value : null, errors);
    }

    /// <summary>Writes the file (mode 0600, read by the host's own user for sshd) when its content differs; says whether it did.</summary>
    private static async Task<Result<string>> WriteAsync(string path, string text, CancellationToken ct)
    {
        try
        {
            if (File.Exists(path) && await File.ReadAllTextAsync(path, ct) == text) return "unchanged";
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var temporary = path + ".tmp";
            await File.WriteAllTextAsync(temporary, text, ct);
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(temporary, path, overwrite: true);
            return "written";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Result<string>.Fail("failed", $"cannot write {path}: {ex.Message}");
        }
    }
}
