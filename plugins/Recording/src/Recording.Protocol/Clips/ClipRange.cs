using System.Globalization;
using Appliance.Abstractions;

namespace Appliance.Plugins.Recording.Protocol.Clips;

/// <summary>A clip asked for: camera and arrival-time range (UTC).</summary>
public sealed record ClipRange(string Camera, DateTimeOffset From, DateTimeOffset To)
{
    public TimeSpan Length => To - From;
}

/// <summary>
/// Checks a clip request before any work: every answer names the problem (codes <c>malformed</c>, <c>reversed</c>,
/// <c>future</c>, <c>too-long</c>, <c>unknown-camera</c>). Pure: the caller passes the clock and what it knows.
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

    private static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        return text is { Length: > 0 and <= 64 }
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }
}
