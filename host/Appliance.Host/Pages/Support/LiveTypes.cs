using Appliance.Abstractions.Events;

namespace Appliance.Host.Pages.Support;

/// <summary>
/// Which event types make a live part of a page fetch itself again: the <c>data-live-refresh</c> lists that
/// <c>wwwroot/js/live.js</c> reads, named once here so every page watches the same types.
/// </summary>
public static class LiveTypes
{
    public const string Cameras = nameof(StreamHealthMeasured) + " " + nameof(CameraWentOnline) + " " + nameof(CameraWentOffline) + " " + nameof(StreamGapOccurred);

    public const string Discovery = nameof(DeviceDiscovered);

    public const string Plugins = nameof(PluginStateChanged);

    public const string System = nameof(SystemHealthSampled) + " " + Plugins;

    /// <summary>What can move the overall health (the nav badge and the overview's component table).</summary>
    public const string Health = Cameras + " " + System;
}
