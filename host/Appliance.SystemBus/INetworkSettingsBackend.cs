using Appliance.Abstractions;

namespace Appliance.SystemBus;

/// <summary>
/// What keeps the interfaces' IPv4 settings: NetworkManager (<see cref="NetworkManagerClient"/>) or systemd-networkd
/// (<see cref="Networkd.NetworkdClient"/>, the image's), chosen by <c>systemServices.networkBackend</c>.
/// </summary>
public interface INetworkSettingsBackend
{
    Task<Result<IReadOnlyList<NetworkInterfaceState>>> ListAsync(CancellationToken ct);

    Task<Result<NetworkInterfaceState>> GetAsync(string interfaceName, CancellationToken ct);

    /// <summary>Replaces the interface's IPv4 settings and makes them take effect; the state after.</summary>
    Task<Result<NetworkInterfaceState>> ApplyAsync(string interfaceName, AddressSettings settings, CancellationToken ct);
}
