namespace Appliance.SystemBus;

/// <summary>
/// One systemd unit as the service view shows it. <paramref name="LoadState"/> is <c>not-found</c> when systemd does
/// not know the unit (then the states are empty).
/// </summary>
public sealed record UnitState(string Name, string Description, string LoadState, string ActiveState, string SubState);
