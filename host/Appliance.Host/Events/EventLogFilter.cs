namespace Appliance.Host.Events;

/// <summary>
/// Which events a view of the log wants; every part optional, all combined. <paramref name="CameraId"/> matches the
/// event data's <c>cameraId</c>; <paramref name="From"/> is inclusive, <paramref name="Until"/> exclusive;
/// <paramref name="HiddenTypes"/> are left out (e.g. the periodic health samples).
/// </summary>
public sealed record EventLogFilter(
    string? Type = null,
    string? CameraId = null,
    DateTimeOffset? From = null,
    DateTimeOffset? Until = null,
    IReadOnlyCollection<string>? HiddenTypes = null);
