namespace Appliance.Plugins.Media.Plugin.Snapshots;

/// <summary>How kept snapshots are named from camera ids (which may hold any character: they become <c>_</c>).</summary>
internal static class SnapshotIds
{
    /// <summary><paramref name="cameraId"/> with every character outside letters, digits, <c>-</c>, <c>_</c> and <c>.</c> as <c>_</c>.</summary>
    public static string Sanitize(string cameraId) =>
        new(cameraId.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.' ? ch : '_').ToArray());

    /// <summary>The snapshot kept for event <paramref name="eventId"/> of camera <paramref name="cameraId"/>:
    /// <c>event-{eventId:N}-{camera}</c> (a rule's snapshot action uses the triggering event's id).</summary>
    public static string ForEvent(Guid eventId, string cameraId) => $"event-{eventId:N}-{Sanitize(cameraId)}";
}
