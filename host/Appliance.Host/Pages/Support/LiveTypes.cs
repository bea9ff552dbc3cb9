using Appliance.Abstractions.Events;
using Appliance.Host.Events;

namespace Appliance.Host.Pages.Support;

/// <summary>
/// Which event types make a live part of a page fetch itself again: the <c>data-live-refresh</c> lists that
/// <c>wwwroot/js/live.js</c> reads, named once here (from <see cref="HealthEventTypes"/>, which a viewer's stream
/// carries) so every page watches the same types.
/// </summary>
public static class LiveTypes
{
    public static readonly string Cameras = string.Join(' ', HealthEventTypes.Cameras);

    public const string Discovery = nameof(DeviceDiscovered);

    public const string Plugins = nameof(PluginStateChanged);

    public static readonly string System = string.Join(' ', HealthEventTypes.System);

    /// <summary>What can move the overall health (the nav badge and the overview's component table).</summary>
    public static readonly string Health = string.Join(' ', HealthEventTypes.All.Order(StringComparer.Ordinal));
}
