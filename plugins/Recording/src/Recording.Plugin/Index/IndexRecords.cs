namespace Appliance.Plugins.Recording.Plugin.Index;

/// <summary>One segment file in the index. Times are arrival times (Unix microseconds, UTC); PTS as in the file.</summary>
/// <param name="Path">Relative to the plugin's data directory.</param>
/// <param name="Open">Still being written (or was, when the process died).</param>
public sealed record SegmentRow(long Id, string Camera, string Path, long StartUs, long EndUs, long FirstPts, long LastPts, long Bytes, int Frames, bool Open);

/// <summary>An event marker on a camera's timeline, with the text shown beside it (Protocol.Timeline.EventDetail).</summary>
public sealed record EventRow(string Camera, long AtUs, string Type, string EventId, string Detail = "");

/// <summary>Clip job states: queued, cutting, done, failed.</summary>
public static class ClipStates
{
    public const string Queued = "queued";
    public const string Cutting = "cutting";
    public const string Done = "done";
    public const string Failed = "failed";
}

/// <summary>A clip job and, once done, its file (relative to the data directory) and figures.</summary>
public sealed record ClipRow(string Id, string Camera, long FromUs, long ToUs, string State, double Progress, string? Path, string? Error,
    long Bytes, int Frames, double Seconds, long CreatedUs);
