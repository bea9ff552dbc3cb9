namespace Appliance.Host.Cloud;

/// <summary>What the link has done since the host started: shown by <c>GET /api/v1/cloud</c> and in telemetry.</summary>
public sealed class CloudCounters
{
    private long _eventsSent;
    private long _telemetrySent;
    private long _commandsRun;
    private long _commandsRefused;

    public long EventsSent => Interlocked.Read(ref _eventsSent);

    public long TelemetrySent => Interlocked.Read(ref _telemetrySent);

    public long CommandsRun => Interlocked.Read(ref _commandsRun);

    /// <summary>Malformed, oversized, expired, replayed, unknown, not allowed or for another device.</summary>
    public long CommandsRefused => Interlocked.Read(ref _commandsRefused);

    public void EventSent() => Interlocked.Increment(ref _eventsSent);

    public void TelemetryPublished() => Interlocked.Increment(ref _telemetrySent);

    public void CommandRan() => Interlocked.Increment(ref _commandsRun);

    public void CommandRefused() => Interlocked.Increment(ref _commandsRefused);
}
