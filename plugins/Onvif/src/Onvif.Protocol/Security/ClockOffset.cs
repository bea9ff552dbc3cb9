namespace Appliance.Plugins.Onvif.Protocol.Security;

/// <summary>
/// The difference between a camera's clock and ours. WS-Security tokens carry the creation time and cameras
/// reject tokens outside a small window, so the client stamps tokens with <c>our time + offset</c>
/// (ONVIF Core: clients should use GetSystemDateAndTime before authenticated requests).
/// </summary>
public readonly record struct ClockOffset(TimeSpan Offset)
{
    public static readonly ClockOffset None = new(TimeSpan.Zero);

    /// <summary>The offset from a camera time read between <paramref name="sentAt"/> and <paramref name="receivedAt"/> (midpoint of the round trip).</summary>
    public static ClockOffset Measure(DateTimeOffset cameraUtc, DateTimeOffset sentAt, DateTimeOffset receivedAt)
    {
        var midpoint = sentAt + (receivedAt - sentAt) / 2;
        return new ClockOffset(cameraUtc - midpoint);
    }

    public DateTimeOffset CameraNow(TimeProvider time) => time.GetUtcNow() + Offset;
}
