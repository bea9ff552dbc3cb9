using System.Text.Json;
using System.Text.RegularExpressions;
using Appliance.Host.Plugins;

namespace Appliance.Host.Rules;

/// <summary>
/// The JPEG the media plugin kept for an event (<c>MotionDetected.snapshotId</c>), as a file path the actions of a
/// rule it fires can attach (<c>snapshotPath</c>: the e-mail plugin attaches it). The id is the media plugin's
/// (<c>event-...</c>, its snapshot store's pattern); any other value, or an id whose file is gone, gives null.
/// </summary>
public sealed partial class EventSnapshots(PluginFolders folders)
{
    public const string MediaPluginId = "appliance.media";

    [GeneratedRegex("^event-[A-Za-z0-9._-]{1,150}$")]
    private static partial Regex IdPattern();

    public string? PathOf(JsonElement eventData)
    {
        if (eventData.ValueKind != JsonValueKind.Object || !eventData.TryGetProperty("snapshotId", out var v) || v.ValueKind != JsonValueKind.String)
            return null;
        var id = v.GetString()!;
        if (!IdPattern().IsMatch(id) || id.Contains("..", StringComparison.Ordinal)) return null;
        var path = Path.Combine(folders.Data, MediaPluginId, "snapshots", id + ".jpg");
        return File.Exists(path) ? path : null;
    }
}
