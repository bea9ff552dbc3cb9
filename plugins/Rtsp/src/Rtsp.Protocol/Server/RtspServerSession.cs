using System.Net;
using Appliance.Plugins.Rtsp.Protocol.Rtsp;

namespace Appliance.Plugins.Rtsp.Protocol.Server;

public enum RtspServerSessionState { Ready, Playing }

/// <summary>How one track of a session is delivered: interleaved channels on the RTSP connection, or UDP to the client's ports.</summary>
public sealed record RtspTrackDelivery(int Track, bool Tcp, RtspPortPair? Channels, IPEndPoint? ClientRtp, IPEndPoint? ClientRtcp, RtspPortPair? ServerPorts, uint Ssrc);

/// <summary>
/// One RTSP session (RFC 2326 §3): the stream it plays, its set-up tracks, its state and when it last showed
/// life. Belongs to the connection that created it (this server does not move sessions between connections).
/// Thread-safe for the reads the media sender and the timeout sweep make.
/// </summary>
public sealed class RtspServerSession(string id, string streamName, object connection, TimeSpan timeout, DateTimeOffset now)
{
    private readonly object _gate = new();
    private readonly Dictionary<int, RtspTrackDelivery> _tracks = new();
    private DateTimeOffset _lastActivity = now;

    public string Id { get; } = id;

    public string StreamName { get; } = streamName;

    /// <summary>The connection that owns the session (compared by reference only).</summary>
    public object Connection { get; } = connection;

    public TimeSpan Timeout { get; } = timeout;

    public RtspServerSessionState State { get; private set; } = RtspServerSessionState.Ready;

    /// <summary>Free for the media sender (the plugin keeps its per-session sender here).</summary>
    public object? Sender { get; set; }

    public IReadOnlyList<RtspTrackDelivery> Tracks
    {
        get { lock (_gate) return _tracks.Values.OrderBy(t => t.Track).ToList(); }
    }

    public bool HasTrack(int track)
    {
        lock (_gate) return _tracks.ContainsKey(track);
    }

    public void AddTrack(RtspTrackDelivery delivery)
    {
        lock (_gate) _tracks[delivery.Track] = delivery;
    }

    public void SetState(RtspServerSessionState state)
    {
        lock (_gate) State = state;
    }

    public void Touch(DateTimeOffset now)
    {
        lock (_gate) if (now > _lastActivity) _lastActivity = now;
    }

    public bool IsExpired(DateTimeOffset now)
    {
        lock (_gate) return now - _lastActivity > Timeout;
    }

    /// <summary>The Session response header: "id;timeout=N".</summary>
    public string Header => $"{Id};timeout={(int)Timeout.TotalSeconds}";
}
