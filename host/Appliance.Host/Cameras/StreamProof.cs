using System.Globalization;

namespace Appliance.Host.Cameras;

/// <summary>
/// What the last successful probe of a camera's stream found (DESCRIBE, SETUP, PLAY and a keyframe): codec, picture
/// size, frame rate (null when the camera neither signals nor showed it in time), the transport that worked, the audio
/// codec if any, and when. Kept in memory next to stream health; the inventory card shows it until a snapshot exists.
/// </summary>
public sealed record StreamProof(string Codec, int Width, int Height, double? Fps, string Transport, string? Audio, DateTimeOffset ProvedAt)
{
    public string Resolution => $"{Width}x{Height}";

    /// <summary>"H264 1280x720, 25 fps, TCP".</summary>
    public string Summary =>
        $"{Codec} {Resolution}{(Fps is { } fps ? ", " + fps.ToString("0.##", CultureInfo.InvariantCulture) + " fps" : "")}, {Transport.ToUpperInvariant()}"
        + (Audio is null ? "" : $", audio {Audio}");
}
