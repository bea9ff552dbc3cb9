using Appliance.Plugins.WebRtc.Protocol.Srtp;

namespace Appliance.Plugins.WebRtc.Protocol.Session;

/// <summary>Counters of one session, updated by its loops; read them through <see cref="WebRtcPeerSession.Snapshot"/>.</summary>
public sealed class SessionStatistics
{
    public long DroppedPackets;
    public long SendErrors;
    public long BytesSent;
    public long PacketsSent;
    public long FramesSent;
    public long KeyframesSent;
    public long KeyframeRequests;
    public long Retransmitted;
    public long SenderReports;

    public string? LastDropReason { get; set; }
    public SrtpProfile? SrtpProfile { get; set; }
    public TimeSpan? ConnectedAfter { get; set; }
    public TimeSpan? RoundTripTime { get; set; }
    public double? FractionLost { get; set; }

    public void AddSent(int bytes)
    {
        Interlocked.Add(ref BytesSent, bytes);
        Interlocked.Increment(ref PacketsSent);
    }

    public void Dropped(string reason)
    {
        Interlocked.Increment(ref DroppedPackets);
        LastDropReason = reason;
    }
}

/// <summary>A consistent-enough view of a session for health pages and the WHEP stats route.</summary>
public sealed record SessionSnapshot(
    string Id,
    SessionState State,
    ConnectionPath Path,
    string? RemoteAddress,
    long BytesSent,
    long PacketsSent,
    long FramesSent,
    long KeyframeRequests,
    long Retransmitted,
    long DroppedPackets,
    double BitrateKbps,
    double? RoundTripMs,
    string? SrtpProfile,
    string? CloseReason,
    string? LastDropReason);
