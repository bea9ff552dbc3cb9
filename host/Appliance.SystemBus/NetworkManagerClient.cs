using Appliance.Abstractions;
using Tmds.DBus.Protocol;

namespace Appliance.SystemBus;

/// <summary>
/// NetworkManager (<c>org.freedesktop.NetworkManager</c>), narrowly: each device's interface and the IPv4 settings of
/// the connection profile active on it, and replacing those settings (the profile is updated, then activated again so
/// they take effect). NetworkManager rather than systemd-networkd because python3-dbusmock ships a NetworkManager
/// template, so the client is tested against a real D-Bus peer.
/// </summary>
public sealed class NetworkManagerClient(BusConnection bus) : INetworkSettingsBackend
{
    public const string Service = "org.freedesktop.NetworkManager";
    public const string ManagerPath = "/org/freedesktop/NetworkManager";
    public const string ManagerInterface = "org.freedesktop.NetworkManager";
    public const string DeviceInterface = "org.freedesktop.NetworkManager.Device";
    public const string ActiveInterface = "org.freedesktop.NetworkManager.Connection.Active";
    public const string ConnectionInterface = "org.freedesktop.NetworkManager.Settings.Connection";

    public async Task<Result<IReadOnlyList<NetworkInterfaceState>>> ListAsync(CancellationToken ct)
    {
        var devices = await bus.CallAsync(new MethodCall(Service, ManagerPath, ManagerInterface, "GetDevices"), null, "ao",
            r => Result<string[]>.Ok(r.ReadArrayOfObjectPath().Select(p => p.ToString()).ToArray()), ct).ConfigureAwait(false);
        if (!devices.IsOk) return Result<IReadOnlyList<NetworkInterfaceState>>.Fail(devices.Failure!);
        var states = new List<NetworkInterfaceState>();
        foreach (var device in devices.Value)
        {
            var state = await DeviceAsync(device, ct).ConfigureAwait(false);
            if (!state.IsOk) return Result<IReadOnlyList<NetworkInterfaceState>>.Fail(state.Failure!);
            states.Add(state.Value);
        }
        return states.OrderBy(s => s.Interface, StringComparer.Ordinal).ToList();
    }

    public async Task<Result<NetworkInterfaceState>> GetAsync(string interfaceName, CancellationToken ct)
    {
        var all = await ListAsync(ct).ConfigureAwait(false);
        if (!all.IsOk) return Result<NetworkInterfaceState>.Fail(all.Failure!);
        return all.Value.FirstOrDefault(s => s.Interface == interfaceName) is { } found
            ? found
            : Result<NetworkInterfaceState>.Fail(BusFailures.NotFound, $"NetworkManager has no device '{interfaceName}'");
    }

    /// <summary>
    /// Replaces the IPv4 settings of the profile active on <paramref name="interfaceName"/> (every other setting of the
    /// profile is written back as read) and activates the profile on the device again.
    /// </summary>
    public async Task<Result<NetworkInterfaceState>> ApplyAsync(string interfaceName, AddressSettings settings, CancellationToken ct)
    {
        var current = await GetAsync(interfaceName, ct).ConfigureAwait(false);
        if (!current.IsOk) return current;
        if (current.Value.ConnectionPath is not { } connection)
            return Result<NetworkInterfaceState>.Fail(BusFailures.NotFound, $"no connection profile is active on '{interfaceName}'");
        var raw = await ReadSettingsAsync(connection, ct).ConfigureAwait(false);
        if (!raw.IsOk) return Result<NetworkInterfaceState>.Fail(raw.Failure!);
        var updated = raw.Value.WithIpv4(settings);
        var update = await bus.CallAsync(new MethodCall(Service, connection, ConnectionInterface, "Update", ConnectionSettings.Signature),
            (ref MessageWriter w) => updated.Write(ref w), ct).ConfigureAwait(false);
        if (!update.IsOk) return Result<NetworkInterfaceState>.Fail(update.Failure!);
        var device = current.Value.DevicePath;
        var activate = await bus.CallAsync(new MethodCall(Service, ManagerPath, ManagerInterface, "ActivateConnection", "ooo"),
            (ref MessageWriter w) => { w.WriteObjectPath(connection); w.WriteObjectPath(device); w.WriteObjectPath("/"); },
            "o", r => Result<string>.Ok(r.ReadObjectPathAsString()), ct).ConfigureAwait(false);
        if (!activate.IsOk) return Result<NetworkInterfaceState>.Fail(activate.Failure!);
        return await GetAsync(interfaceName, ct).ConfigureAwait(false);
    }

    private async Task<Result<NetworkInterfaceState>> DeviceAsync(string device, CancellationToken ct)
    {
        var props = await bus.GetAllAsync(Service, device, DeviceInterface, ct).ConfigureAwait(false);
        if (!props.IsOk) return Result<NetworkInterfaceState>.Fail(props.Failure!);
        var name = props.Value.String("Interface");
        var active = props.Value.ObjectPath("ActiveConnection");
        if (!name.IsOk) return Result<NetworkInterfaceState>.Fail(name.Failure!);
        if (!active.IsOk) return Result<NetworkInterfaceState>.Fail(active.Failure!);
        if (active.Value == "/") return new NetworkInterfaceState(name.Value, device, null, null, null);
        var activeProps = await bus.GetAllAsync(Service, active.Value, ActiveInterface, ct).ConfigureAwait(false);
        var connection = activeProps.Bind(p => p.ObjectPath("Connection"));
        if (!connection.IsOk) return Result<NetworkInterfaceState>.Fail(connection.Failure!);
        var settings = await ReadSettingsAsync(connection.Value, ct).ConfigureAwait(false);
        if (!settings.IsOk) return Result<NetworkInterfaceState>.Fail(settings.Failure!);
        var ipv4 = settings.Value.Ipv4();
        if (!ipv4.IsOk) return Result<NetworkInterfaceState>.Fail(ipv4.Failure!);
        return new NetworkInterfaceState(name.Value, device, connection.Value, settings.Value.Id, ipv4.Value);
    }

    private Task<Result<ConnectionSettings>> ReadSettingsAsync(string connection, CancellationToken ct) =>
        bus.CallAsync(new MethodCall(Service, connection, ConnectionInterface, "GetSettings"), null, ConnectionSettings.Signature,
            r => Result<ConnectionSettings>.Ok(ConnectionSettings.Read(ref r)), ct);
}
