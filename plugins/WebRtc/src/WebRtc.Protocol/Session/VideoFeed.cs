namespace Appliance.Plugins.WebRtc.Protocol.Session;

/// <summary>
/// Fans one stream's H.264 access units out to its viewers and keeps the current group of pictures (the last
/// keyframe and the frames after it, bounded) so a new viewer starts at once from a cached keyframe instead of
/// waiting for the camera's next one. G.711 audio from the same camera goes to connected viewers as it comes (no
/// cache). Thread-safe: frames and new viewers are ordered by one lock.
/// </summary>
public sealed class VideoFeed
{
    private readonly object _gate = new();
    private readonly List<(byte[] Data, long Timestamp, bool Keyframe)> _gop = new();
    private readonly List<WebRtcPeerSession> _viewers = new();
    private readonly int _maxGopBytes;
    private int _gopBytes;

    /// <param name="maxGopBytes">Past this the cache keeps only the keyframe (new viewers then wait for the next frames to refer to it).</param>
    public VideoFeed(int maxGopBytes = 4 * 1024 * 1024) => _maxGopBytes = maxGopBytes;

    public int ViewerCount
    {
        get { lock (_gate) return _viewers.Count; }
    }

    public bool HasKeyframe
    {
        get { lock (_gate) return _gop.Count > 0; }
    }

    /// <summary>Adds a viewer: when it connects it gets the cached GOP, then live frames; it leaves when closed.</summary>
    public void Attach(WebRtcPeerSession session)
    {
        session.Connected += OnConnected;
        session.Closed += Detach;
        lock (_gate) _viewers.Add(session);
        if (session.IsConnected) OnConnected(session);
    }

    /// <summary>Publishes one access unit (Annex-B) to every connected viewer.</summary>
    public void Push(ReadOnlySpan<byte> accessUnit, long timestamp90k, bool keyframe)
    {
        lock (_gate)
        {
            if (keyframe)
            {
                _gop.Clear();
                _gopBytes = 0;
            }
            if (_gop.Count > 0 || keyframe)
            {
                if (keyframe || _gopBytes + accessUnit.Length <= _maxGopBytes)
                {
                    _gop.Add((accessUnit.ToArray(), timestamp90k, keyframe));
                    _gopBytes += accessUnit.Length;
                }
            }
            foreach (var viewer in _viewers) viewer.SendVideo(accessUnit, timestamp90k, keyframe);
        }
    }

    /// <summary>Publishes G.711 samples (PCMU or PCMA, 8 kHz timestamp) to every viewer whose answer accepted audio.</summary>
    public void PushAudio(ReadOnlySpan<byte> samples, long timestamp8k)
    {
        lock (_gate)
            foreach (var viewer in _viewers) viewer.SendAudio(samples, timestamp8k);
    }

    private void OnConnected(WebRtcPeerSession session)
    {
        lock (_gate)
        {
            if (!_viewers.Contains(session)) return;
            foreach (var (data, timestamp, keyframe) in _gop) session.SendVideo(data, timestamp, keyframe);
        }
    }

    private void Detach(WebRtcPeerSession session)
    {
        session.Connected -= OnConnected;
        session.Closed -= Detach;
        lock (_gate) _viewers.Remove(session);
    }
}
