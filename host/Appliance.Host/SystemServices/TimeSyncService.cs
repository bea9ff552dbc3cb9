using Appliance.Abstractions;
using Appliance.Host.Configuration;
using Appliance.Host.Health;
using Appliance.SystemBus;
using Microsoft.Extensions.Options;

namespace Appliance.Host.SystemServices;

/// <summary>What the portal, the API and health say about time.</summary>
public sealed record TimeStatus(
    string? Timezone,
    bool? NtpEnabled,
    bool? NtpSynchronized,
    IReadOnlyList<string> NtpServers,
    ClockOffset? Offset,
    string? Error,
    IReadOnlyList<string> Warnings);

/// <summary>
/// Time on the box: <c>network.ntpServers</c> written to systemd-timesyncd's drop-in (then timesyncd restarted through
/// systemd1 and NTP turned on through timedate1), the time zone, and the clock's health: not synchronised, or off by
/// more than <c>systemServices.clockWarnSeconds</c> from an SNTP probe, is a warning.
/// </summary>
public sealed class TimeSyncService(TimedateClient timedate, SystemdClient systemd, ClockProbe probe, HealthRegistry health,
    IOptions<ApplianceOptions> options, ILogger<TimeSyncService> log)
{
    public const string HealthOwner = "appliance.host";
    public const string HealthComponent = "time";

    private const UnixFileMode ReadableByAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private SystemServicesOptions Settings => options.Value.SystemServices;

    private IReadOnlyList<string> Servers => options.Value.Network.EffectiveNtpServers;

    /// <summary>Writes the drop-in when it differs, restarts timesyncd if it did, and turns NTP on. Returns what was done.</summary>
    public async Task<Result<string>> ApplyNtpServersAsync(CancellationToken ct)
    {
        var text = TimesyncdDropIn.Render(Servers);
        if (!text.IsOk) return text;
        var path = Settings.TimesyncdDropIn;
        var changed = !File.Exists(path) || await File.ReadAllTextAsync(path, ct) != text.Value;
        if (changed)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                var temporary = path + ".tmp";
                await File.WriteAllTextAsync(temporary, text.Value, ct);
                // The host's umask is 077; systemd-timesyncd reads the drop-in as its own user.
                File.SetUnixFileMode(temporary, ReadableByAll);
                File.Move(temporary, path, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return Result<string>.Fail("failed", $"cannot write {path}: {ex.Message}");
            }
            var restart = await systemd.RestartUnitAsync(Settings.TimesyncdUnit, ct);
            if (!restart.IsOk) return Result<string>.Fail(restart.Failure!);
        }
        var ntp = await timedate.SetNtpAsync(true, ct);
        if (!ntp.IsOk) return Result<string>.Fail(ntp.Failure!);
        var done = changed
            ? $"NTP servers {string.Join(' ', Servers)} written to {path}; {Settings.TimesyncdUnit} restarted; NTP on"
            : $"NTP servers unchanged ({string.Join(' ', Servers)}); NTP on";
        log.LogInformation("Time: {Done}", done);
        return done;
    }

    public async Task<Result<bool>> SetAsync(bool? ntp, string? timezone, CancellationToken ct)
    {
        if (timezone is not null)
        {
            var zone = await timedate.SetTimezoneAsync(timezone, ct);
            if (!zone.IsOk) return zone;
        }
        if (ntp is { } on)
        {
            var set = await timedate.SetNtpAsync(on, ct);
            if (!set.IsOk) return set;
        }
        return true;
    }

    /// <summary>The state from timedated and, when configured, the probe's offset; reports the health component <c>time</c>.</summary>
    public async Task<TimeStatus> CheckAsync(CancellationToken ct)
    {
        var state = await timedate.GetStateAsync(ct);
        var offset = Settings.ClockProbe && Servers.Count > 0 ? await probe.MeasureAsync(Servers[0], ct) : null;
        var warnings = Warnings(state, offset, Settings.ClockWarnSeconds);
        var status = new TimeStatus(
            state.IsOk ? state.Value.Timezone : null,
            state.IsOk ? state.Value.NtpEnabled : null,
            state.IsOk ? state.Value.NtpSynchronized : null,
            Servers, offset, state.IsOk ? null : state.Failure!.ToString(), warnings);
        health.Report(HealthOwner, HealthComponent, warnings.Count > 0 ? HealthState.Degraded : HealthState.Healthy,
            warnings.Count > 0 ? string.Join("; ", warnings) : Describe(status));
        return status;
    }

    /// <summary>
    /// What is wrong with the clock: timedated unreachable, NTP off, not synchronised, or an offset from the probe's
    /// server beyond <paramref name="warnSeconds"/> (a probe that got no answer is no warning by itself).
    /// </summary>
    public static IReadOnlyList<string> Warnings(Result<TimeState> state, ClockOffset? offset, double warnSeconds)
    {
        var warnings = new List<string>();
        if (!state.IsOk) warnings.Add($"timedated: {state.Failure!.Message}");
        else if (!state.Value.NtpEnabled) warnings.Add("network time (NTP) is off");
        else if (!state.Value.NtpSynchronized) warnings.Add("the clock is not synchronised yet");
        if (offset?.OffsetSeconds is { } seconds && Math.Abs(seconds) > warnSeconds)
            warnings.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the clock is off by {seconds:+0;-0} s from {offset.Server} (more than {warnSeconds:0} s: TLS and ONVIF digests fail)"));
        return warnings;
    }

    private static string Describe(TimeStatus status) =>
        $"synchronised ({status.Timezone})" + (status.Offset?.OffsetSeconds is { } s ? $", offset {s * 1000:+0;-0} ms from {status.Offset.Server}" : "");
}
