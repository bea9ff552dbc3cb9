using Appliance.Abstractions;
using Tmds.DBus.Protocol;

namespace Appliance.SystemBus;

/// <summary><c>org.freedesktop.login1</c>: reboot and power off (never interactive: the caller has already confirmed).</summary>
public sealed class LoginClient(BusConnection bus)
{
    public const string Service = "org.freedesktop.login1";
    public const string Path = "/org/freedesktop/login1";
    public const string Interface = "org.freedesktop.login1.Manager";

    public Task<Result<bool>> RebootAsync(CancellationToken ct) => Call("Reboot", ct);

    public Task<Result<bool>> PowerOffAsync(CancellationToken ct) => Call("PowerOff", ct);

    private Task<Result<bool>> Call(string member, CancellationToken ct) =>
        bus.CallAsync(new MethodCall(Service, Path, Interface, member, "b"), (ref MessageWriter w) => w.WriteBool(false), ct);
}
