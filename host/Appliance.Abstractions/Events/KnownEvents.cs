using Appliance.Abstractions;
namespace Appliance.Abstractions.Events;

// The typed events every part of the appliance may publish or react to. Past-tense nouns.
// Adding a property is compatible; renaming or removing one is a host API change.

public sealed record CameraWentOnline(string CameraId, string StreamUri) : IApplianceEvent
{
    public EventCategory Category => EventCategory.Camera;
}

public sealed record CameraWentOffline(string CameraId, string Reason) : IApplianceEvent
{
    public EventCategory Category => EventCategory.Camera;
}

/// <summary>A stream stopped delivering media and resumed (or is retrying); consumers see one continuous stream with a gap.</summary>
public sealed record StreamGapOccurred(string CameraId, DateTimeOffset From, DateTimeOffset? Until, string Reason, int Reconnects) : IApplianceEvent
{
    public EventCategory Category => EventCategory.Camera;
}

public sealed record StreamHealthMeasured(string CameraId, StreamHealth Health) : IApplianceEvent
{
    public EventCategory Category => EventCategory.Camera;
}

public sealed record DeviceDiscovered(DiscoveredDevice Device) : IApplianceEvent
{
    public EventCategory Category => EventCategory.Camera;
}

public sealed record DiscoveryRequested(string RequestedBy) : IApplianceEvent
{
    public EventCategory Category => EventCategory.System;
}

/// <summary>Motion started (<paramref name="Active"/>) or ended on a camera. <paramref name="Regions"/>: the named
/// regions that moved (null when the source has no regions, e.g. a camera's own ONVIF event); <paramref name="SnapshotId"/>:
/// the JPEG kept for it by the media plugin (<c>GET /plugins/appliance.media/snapshots/{id}</c>), or null.</summary>
public sealed record MotionDetected(string CameraId, string Source, bool Active, IReadOnlyList<string>? Regions = null, string? SnapshotId = null) : IApplianceEvent
{
    public EventCategory Category => EventCategory.Analytics;
}

/// <summary>The media plugin kept a day/night reference image of a camera (its <c>reference.times</c>, UTC):
/// <paramref name="SnapshotId"/> <c>reference-{camera}-{yyyyMMddTHHmm}-{day|night}</c> (<c>GET /plugins/appliance.media/snapshots/{id}</c>,
/// the cloud's <c>snapshot</c> command), <paramref name="Label"/> <c>day</c> or <c>night</c>, <paramref name="ScheduledAt"/> the
/// schedule's time it was taken for, <paramref name="Bytes"/> the JPEG's size.</summary>
public sealed record ReferenceImageTaken(string CameraId, string SnapshotId, string Label, DateTimeOffset ScheduledAt, long Bytes) : IApplianceEvent
{
    public EventCategory Category => EventCategory.Camera;
}

public sealed record TamperDetected(string CameraId, string Source, bool Active) : IApplianceEvent
{
    public EventCategory Category => EventCategory.Analytics;
}

public sealed record DigitalInputChanged(string Device, string Input, bool Active) : IApplianceEvent
{
    public EventCategory Category => EventCategory.Alarm;
}

/// <summary>A camera-side event we have no typed record for (ONVIF topic + data items).</summary>
public sealed record CameraEventReceived(string CameraId, string Topic, IReadOnlyDictionary<string, string> Data) : IApplianceEvent
{
    public EventCategory Category => EventCategory.Camera;
}

public sealed record SystemHealthSampled(double CpuPercent, long MemoryUsedBytes, long MemoryTotalBytes, double? TemperatureCelsius, double Uptime) : IApplianceEvent
{
    public EventCategory Category => EventCategory.System;
}

public sealed record PluginStateChanged(string PluginId, string Version, string State, string? Error) : IApplianceEvent
{
    public EventCategory Category => EventCategory.System;
}
