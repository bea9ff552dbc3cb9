using Appliance.Plugins.WebRtc.Protocol.Rtcp;

namespace Appliance.Plugins.WebRtc.Protocol.Session;

public sealed partial class WebRtcPeerSession
{
    private readonly MediaSender _media;
    private readonly SessionStatistics _stats = new();
    private long _bitrateMarkTicks;
    private long _bitrateMarkBytes;
    private double _bitrateKbps;

    /// <summary>True once DTLS completed and until closed.</summary>
    public bool IsConnected => State == SessionState.Connected && _media.Ready;

    /// <summary>True while delta frames are held back until a keyframe (at start and after PLI/FIR).</summary>
    public bool WaitingForKeyframe => _media.WaitingForKeyframe;

    /// <summary>Sends one H.264 access unit (Annex-B, 90 kHz timestamp); returns the packets sent.</summary>
    public int SendVideo(ReadOnlySpan<byte> accessUnit, long timestamp90k, bool keyframe)
    {
        if (!IsConnected) return 0;
        return _media.SendVideo(accessUnit, timestamp90k, keyframe, SendToRemote, _stats);
    }

    /// <summary>Sends G.711 samples (8 kHz timestamp) when the answer accepted audio; returns the packets sent.</summary>
    public int SendAudio(ReadOnlySpan<byte> samples, long timestamp8k)
    {
        if (!IsConnected) return 0;
        return _media.SendAudio(samples, timestamp8k, SendToRemote, _stats);
    }

    /// <summary>Raised after the viewer asked for a keyframe (PLI/FIR).</summary>
    public event Action<WebRtcPeerSession>? KeyframeRequested;

    public SessionStatistics Statistics => _stats;

    public SessionSnapshot Snapshot()
    {
        var now = _options.Time.GetTimestamp();
        var bytes = Interlocked.Read(ref _stats.BytesSent);
        var elapsed = _options.Time.GetElapsedTime(Interlocked.Exchange(ref _bitrateMarkTicks, now), now);
        var previous = Interlocked.Exchange(ref _bitrateMarkBytes, bytes);
        if (elapsed > TimeSpan.FromMilliseconds(200) && elapsed < TimeSpan.FromHours(1)) _bitrateKbps = (bytes - previous) * 8 / elapsed.TotalMilliseconds;
        var remote = _remote;
        ConnectionPath path;
        lock (_candidatesGate)
            path = remote is null ? ConnectionPath.Unknown
                : remote.Relay is not null ? ConnectionPath.Relay
                : ConnectionPathClassifier.Classify(remote.EndPoint, _remoteCandidates, _options.PublicAddress is not null);
        return new SessionSnapshot(Id, State, path, remote is null ? null : remote.Relay is null ? remote.EndPoint.ToString() : $"{remote.EndPoint} via {remote.Relay.Server}", bytes, Interlocked.Read(ref _stats.PacketsSent),
            Interlocked.Read(ref _stats.FramesSent), Interlocked.Read(ref _stats.KeyframeRequests), Interlocked.Read(ref _stats.Retransmitted),
            Interlocked.Read(ref _stats.DroppedPackets), _bitrateKbps, _stats.RoundTripTime?.TotalMilliseconds, _stats.SrtpProfile?.ToString(),
            CloseReason, _stats.LastDropReason);
    }

    private void OnRtcp(Span<byte> datagram)
    {
        var feedback = _media.OnRtcp(datagram, SendToRemote, _stats);
        if (feedback?.KeyframeRequested == true) KeyframeRequested?.Invoke(this);
    }

    private void SendSenderReport() => _media.SendSenderReport(SendToRemote, _stats);

    private void SendToRemote(ReadOnlySpan<byte> datagram)
    {
        var remote = _remote;
        if (remote is not null) SendTo(datagram, remote);
    }
}
