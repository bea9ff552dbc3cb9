using Appliance.Abstractions;
using Tmds.DBus.Protocol;

namespace Appliance.SystemBus;

/// <summary>The names hostnamed reports: the current one and the configured (static) one.</summary>
public sealed record HostnameState(string Hostname, string StaticHostname);

/// <summary><c>org.freedesktop.hostname1</c>: the host name and setting the static one.</summary>
public sealed class HostnameClient(BusConnection bus)
{
    public const string Service = "org.freedesktop.hostname1";
    public const string Path = "/org/freedesktop/hostname1";
    public const string Interface = "org.freedesktop.hostname1";

    public async Task<Result<HostnameState>> GetAsync(CancellationToken ct)
    {
        var props = await bus.GetAllAsync(Service, Path, Interface, ct).ConfigureAwait(false);
        return props.Bind(p =>
            from name in p.String("Hostname")
            from configured in p.StringOr("StaticHostname", "")
            select new HostnameState(name, configured));
    }

    /// <summary>Sets the static host name; it must be a DNS label (RFC 1123: letters, digits, hyphens, 1-63, no leading or trailing hyphen).</summary>
    public Task<Result<bool>> SetStaticHostnameAsync(string hostname, CancellationToken ct)
    {
        if (!IsHostname(hostname))
            return Task.FromResult(Result<bool>.Fail(BusFailures.Invalid, $"'{hostname}' is not a host name (letters, digits and inner hyphens, at most 63)"));
        return bus.CallAsync(new MethodCall(Service, Path, Interface, "SetStaticHostname", "sb"),
            (ref MessageWriter w) => { w.WriteString(hostname); w.WriteBool(false); }, ct);
    }

    public static bool IsHostname(string name) =>
        name.Length is > 0 and <= 63 && name[0] != '-' && name[^1] != '-' && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
