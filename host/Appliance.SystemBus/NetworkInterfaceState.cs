namespace Appliance.SystemBus;

/// <summary>
/// One network interface as NetworkManager knows it: its device, the connection profile active on it (null when
/// none is, then <paramref name="Settings"/> is null too) and that profile's IPv4 settings.
/// </summary>
public sealed record NetworkInterfaceState(string Interface, string DevicePath, string? ConnectionPath, string? ConnectionId, AddressSettings? Settings);
