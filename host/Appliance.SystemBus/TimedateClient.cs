using Appliance.Abstractions;
using Tmds.DBus.Protocol;

namespace Appliance.SystemBus;

/// <summary>What timedated says about the clock.</summary>
public sealed record TimeState(string Timezone, bool NtpEnabled, bool NtpSynchronized, bool CanNtp);

/// <summary><c>org.freedesktop.timedate1</c>: NTP on or off, the time zone, and whether the clock is synchronised.</summary>
public sealed class TimedateClient(BusConnection bus)
{
    public const string Service = "org.freedesktop.timedate1";
    public const string Path = "/org/freedesktop/timedate1";
    public const string Interface = "org.freedesktop.timedate1";

    public async Task<Result<TimeState>> GetStateAsync(CancellationToken ct)
    {
        var props = await bus.GetAllAsync(Service, Path, Interface, ct).ConfigureAwait(false);
        return props.Bind(p =>
            from zone in p.String("Timezone")
            from ntp in p.Bool("NTP")
            from synced in p.Bool("NTPSynchronized")
            from can in p.Has("CanNTP") ? p.Bool("CanNTP") : Result<bool>.Ok(true)
            select new TimeState(zone, ntp, synced, can));
    }

    /// <summary>Turns network time on or off (never asks the user for authorisation: the caller is a service).</summary>
    public Task<Result<bool>> SetNtpAsync(bool enabled, CancellationToken ct) =>
        bus.CallAsync(new MethodCall(Service, Path, Interface, "SetNTP", "bb"),
            (ref MessageWriter w) => { w.WriteBool(enabled); w.WriteBool(false); }, ct);

    /// <summary>Sets the time zone: an IANA name such as <c>Europe/Berlin</c>; anything else is refused before the call.</summary>
    public Task<Result<bool>> SetTimezoneAsync(string timezone, CancellationToken ct)
    {
        if (!IsTimezoneName(timezone))
            return Task.FromResult(Result<bool>.Fail(BusFailures.Invalid, $"'{timezone}' is not a time zone name (Area/City)"));
        return bus.CallAsync(new MethodCall(Service, Path, Interface, "SetTimezone", "sb"),
            (ref MessageWriter w) => { w.WriteString(timezone); w.WriteBool(false); }, ct);
    }

    /// <summary>Letters, digits, <c>/ _ - +</c>, no <c>..</c>, at most 64 characters (timedated checks it against its database too).</summary>
    public static bool IsTimezoneName(string name) =>
        name.Length is > 0 and <= 64 && !name.Contains("..", StringComparison.Ordinal) && !name.StartsWith('/')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '+');
}
