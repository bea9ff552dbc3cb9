using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Rtsp;
using Appliance.Plugins.Rtsp.Protocol.Server;
using Appliance.Plugins.Shared;

namespace Appliance.Plugins.RtspServer.Plugin;

/// <summary>The request handler's edge: streams from the hub (derived ones asked for on demand: <see cref="OnDemandStreams"/>), UDP pairs from the declared range, one <see cref="SessionMedia"/> per session.</summary>
internal sealed class HubBackend(IStreamHub hub, UdpPortPairs udp, RtspServerSettings settings, TimeProvider time, ServerMetrics metrics) : IRtspServerBackend
{
    private readonly OnDemandStreams _onDemand = new(hub, time);

    public StreamDescriptor? FindStream(string name)
    {
        foreach (var stream in hub.Streams)
            if (string.Equals(stream.Name, name, StringComparison.Ordinal)) return stream;
        return null;
    }

    public ValueTask<StreamDescriptor?> AwaitStreamAsync(string name, CancellationToken cancellationToken) =>
        _onDemand.AwaitAsync(name, FindStream, cancellationToken);

    public Result<RtspPortPair> OpenUdp(RtspServerSession session, int track)
    {
        var media = MediaOf(session);
        var opened = udp.Open();
        if (!opened.IsOk) return opened.Failure!;
        lock (media)
        {
            if (media.UdpPairs.Remove(track, out var old)) udp.Close(old);
            media.UdpPairs[track] = opened.Value;
        }
        return new RtspPortPair(opened.Value.RtpPort, opened.Value.RtpPort + 1);
    }

    public string? Play(RtspServerSession session, string baseUrl)
    {
        var stream = FindStream(session.StreamName);
        if (stream is null) return null;
        return MediaOf(session).Play(stream, baseUrl);
    }

    public void Pause(RtspServerSession session) => (session.Sender as SessionMedia)?.Stop();

    public void Close(RtspServerSession session)
    {
        if (session.Sender is not SessionMedia media) return;
        media.Stop();
        lock (media)
        {
            foreach (var pair in media.UdpPairs.Values) udp.Close(pair);
            media.UdpPairs.Clear();
        }
    }

    private SessionMedia MediaOf(RtspServerSession session)
    {
        lock (session)
        {
            if (session.Sender is SessionMedia existing) return existing;
            var media = new SessionMedia(session, hub, session.Connection as RtspConnection, settings.ClientQueueUnits, time, metrics);
            session.Sender = media;
            return media;
        }
    }
}
