using System.Globalization;
using Appliance.Abstractions;

namespace Appliance.Plugins.Recording.Protocol.Clips;

/// <summary>A clip asked for: camera and arrival-time range (UTC).</summary>
public sealed record ClipRange(string Camera, DateTimeOffset From, DateTimeOffset To)
{
    public TimeSpan Length => To - From;
}

/// <summary>
/// Checks a clip request before any work (a user's range, or a rule action's seconds around its event): every answer
/// names the problem (codes <c>malformed</c>, <c>reversed</c>, <c>future</c>, <c>too-long</c>, <c>unknown-camera</c>).
/// Pure: the caller passes the clock and what it knows.
/// </summary>
public static class ClipRanges
{
    /// <summary>How far past now a range's end may lie (the clocks of caller and appliance differ a little).</summary>
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromSeconds(2);

    public static Result<ClipRange> Validate(string? camera, string? from, string? to, DateTimeOffset now, TimeSpan retention, Func<string, bool> knownCamera)
    {
        ArgumentNullException.ThrowIfNull(knownCamera);
        if (string.IsNullOrWhiteSpace(camera)) return new Failure("malformed", "cameraId is missing");
        if (!TryParse(from, out var start)) return new Failure("malformed", $"from must be an ISO 8601 time with an offset, not '{from}'");
        if (!TryParse(to, out var end)) return new Failure("malformed", $"to must be an ISO 8601 time with an offset, not '{to}'");
        if (end <= start) return new Failure("reversed", $"to ({end:O}) is not after from ({start:O})");
        if (start > now || end > now + ClockTolerance) return new Failure("future", $"the range ends at {end:O}, after now ({now:O}): nothing is recorded there yet");
        if (retention > TimeSpan.Zero && end - start > retention)
            return new Failure("too-long", $"the range is {(end - start).TotalHours:0.##} h, longer than the retention of {retention.TotalHours:0.##} h");
        if (!knownCamera(camera)) return new Failure("unknown-camera", $"no camera '{camera}' is known or recorded");
        return new ClipRange(camera, start, end);
    }

    /// <summary>The most seconds a rule's clip may reach before or after its event (as the rule validation allows).</summary>
    public const int MaxSideSeconds = 3_600;

    /// <summary>
    /// The range of a rule's clip action: <paramref name="preSeconds"/> before the event at <paramref name="at"/> to
    /// <paramref name="postSeconds"/> after it (texts as a rule action's parameters carry them). The end may lie ahead:
    /// the job waits for it. Codes: <c>malformed</c> (no camera, seconds not whole numbers from 0 to
    /// <see cref="MaxSideSeconds"/>, or both 0), <c>too-long</c>, <c>unknown-camera</c>.
    /// </summary>
    public static Result<ClipRange> AroundEvent(string? camera, DateTimeOffset at, string? preSeconds, string? postSeconds, TimeSpan retention, Func<string, bool> knownCamera)
    {
        ArgumentNullException.ThrowIfNull(knownCamera);
        if (string.IsNullOrWhiteSpace(camera)) return new Failure("malformed", "the action names no camera and its triggering event has none");
        if (!TrySeconds(preSeconds, out var pre)) return new Failure("malformed", $"preSeconds must be a whole number from 0 to {MaxSideSeconds}, not '{preSeconds}'");
        if (!TrySeconds(postSeconds, out var post)) return new Failure("malformed", $"postSeconds must be a whole number from 0 to {MaxSideSeconds}, not '{postSeconds}'");
        if (pre + post == 0) return new Failure("malformed", "preSeconds and postSeconds are both 0: the clip would be empty");
        var range = new ClipRange(camera, at.AddSeconds(-pre), at.AddSeconds(post));
        if (retention > TimeSpan.Zero && range.Length > retention)
            return new Failure("too-long", $"the clip is {range.Length.TotalHours:0.##} h, longer than the retention of {retention.TotalHours:0.##} h");
        if (!knownCamera(camera)) return new Failure("unknown-camera", $"no camera '{camera}' is known or recorded");
        return range;
    }

    private static bool TrySeconds(string? text, out int seconds) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seconds) && seconds <= MaxSideSeconds;

    private static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        return text is { Length: > 0 and <= 64 }
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }
}
