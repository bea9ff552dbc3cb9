using System.Text.Json;
using System.Text.RegularExpressions;
using Appliance.Abstractions.Events;
using Appliance.Host.Plugins;

namespace Appliance.Host.Rules;

/// <summary>What the cloud link says about an event's alert image (its <c>thumbnail</c>): the kept snapshot the fleet
/// can fetch with the <c>snapshot</c> command, or why there is none although the event named one.</summary>
public sealed record EventThumbnail(string? SnapshotId, long? Bytes, string? Omitted, string? Reason);

/// <summary>
/// The JPEG the media plugin kept for an event (a day/night reference image's <c>ReferenceImageTaken</c> names its own), as a file path the actions of a rule it fires can attach
/// (<c>snapshotPath</c>: the e-mail and webhook plugins send it) and as the cloud link's reference: the event's own
/// <c>snapshotId</c> (<c>MotionDetected</c>), else the snapshot kept under the event's id for its camera
/// (<c>event-{eventId:N}-{camera}</c>, the media plugin's <c>snapshot.onEvents</c>) when the media plugin has already
/// written it. Ids outside the media plugin's patterns (<c>event-...</c>, <c>reference-...</c>) and files that are gone
/// give none.
/// </summary>
public sealed partial class EventSnapshots(PluginFolders folders)
{
    public const string MediaPluginId = "appliance.media";

    [GeneratedRegex("^(event|reference)-[A-Za-z0-9._-]{1,150}$")]
    private static partial Regex IdPattern();

    public string? PathOf(JsonElement eventData)
    {
        if (NamedId(eventData) is not { } id || !IsValid(id)) return null;
        var path = FileOf(id);
        return File.Exists(path) ? path : null;
    }

    /// <summary>The event's named snapshot, else the one kept under its id for its camera; null when neither is on disk.</summary>
    public string? PathOf(EventEnvelope envelope)
    {
        if (PathOf(envelope.Data) is { } named) return named;
        if (NamedId(envelope.Data) is not null || ByEventId(envelope) is not { } id) return null;
        var path = FileOf(id);
        return File.Exists(path) ? path : null;
    }

    /// <summary>Whether the media plugin may keep an image under the event's id: it names a (valid) camera and no snapshot of its own.</summary>
    public bool MayBeKeptUnderItsId(EventEnvelope envelope) => NamedId(envelope.Data) is null && ByEventId(envelope) is not null;

    /// <summary>The cloud's reference to the event's alert image; null when the event has none.</summary>
    public EventThumbnail? ThumbnailOf(EventEnvelope envelope)
    {
        if (NamedId(envelope.Data) is { } named)
        {
            if (!IsValid(named)) return new EventThumbnail(null, null, "malformed", "the event's snapshotId is not one of the media plugin's ids");
            var file = new FileInfo(FileOf(named));
            return file.Exists
                ? new EventThumbnail(named, file.Length, null, null)
                : new EventThumbnail(named, null, "missing", $"the snapshot {named} is not (or no longer) kept by the media plugin");
        }
        if (ByEventId(envelope) is not { } id) return null;
        var kept = new FileInfo(FileOf(id));
        return kept.Exists ? new EventThumbnail(id, kept.Length, null, null) : null;
    }

    private static string? NamedId(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty("snapshotId", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary><c>event-{id:N}-{camera}</c> with the camera id made safe as the media plugin does (SnapshotIds.Sanitize).</summary>
    private static string? ByEventId(EventEnvelope envelope)
    {
        if (envelope.Data.ValueKind != JsonValueKind.Object || !envelope.Data.TryGetProperty("cameraId", out var c) || c.ValueKind != JsonValueKind.String)
            return null;
        var camera = new string(c.GetString()!.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.' ? ch : '_').ToArray());
        var id = $"event-{envelope.Id:N}-{camera}";
        return IsValid(id) ? id : null;
    }

    private static bool IsValid(string id) => IdPattern().IsMatch(id) && !id.Contains("..", StringComparison.Ordinal);

    private string FileOf(string id) => Path.Combine(folders.Data, MediaPluginId, "snapshots", id + ".jpg");
}
