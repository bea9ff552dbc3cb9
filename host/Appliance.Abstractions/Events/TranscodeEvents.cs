namespace Appliance.Abstractions.Events;

// A plugin that holds video (the recording plugin's clips) has it re-encoded by the media plugin, the only one with
// codecs: the asker publishes the video on the hub as Source, subscribes to Target, asks with TranscodeRequested,
// writes its units once the media plugin says it started (keeping at most a window ahead of the units it got back:
// the hub drops for slow subscribers), and ends with TranscodeInputEnded. Adding a property is compatible; renaming
// or removing one is a host API change.

/// <summary>Re-encode the hub stream <paramref name="Source"/> as H.264 into <paramref name="Target"/>, scaled down
/// to fit <paramref name="MaxWidth"/> x <paramref name="MaxHeight"/> (aspect kept, never up).</summary>
public sealed record TranscodeRequested(string JobId, string Source, string Target, int MaxWidth, int MaxHeight, int BitrateKbps) : IApplianceEvent
{
    public EventCategory Category => EventCategory.System;
}

/// <summary>The asker wrote all <paramref name="Frames"/> units of the source: the transcoder drains and finishes.</summary>
public sealed record TranscodeInputEnded(string JobId, long Frames) : IApplianceEvent
{
    public EventCategory Category => EventCategory.System;
}

/// <summary>A transcode <paramref name="State"/>: <c>started</c> (subscribed to the source: write now),
/// <c>finished</c> (every output unit is on the target; <paramref name="FramesOut"/> of them) or <c>failed</c>
/// (<paramref name="Error"/> says why).</summary>
public sealed record TranscodeStateChanged(string JobId, string State, long FramesIn, long FramesOut, int Width, int Height, string? Error) : IApplianceEvent
{
    public EventCategory Category => EventCategory.System;
}
