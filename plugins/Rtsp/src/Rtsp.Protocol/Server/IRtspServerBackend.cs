using System.Net;
using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Rtsp;

namespace Appliance.Plugins.Rtsp.Protocol.Server;

/// <summary>What the request handler needs from the edge (the plugin): streams, UDP ports and the media senders.</summary>
public interface IRtspServerBackend
{
    /// <summary>The published stream of that name, or null.</summary>
    StreamDescriptor? FindStream(string name);

    /// <summary>The stream a DESCRIBE asks for. A stream made only while someone watches (a derived stream of a
    /// published one, e.g. the media plugin's <c>camera/{id}/sd</c>) is not published before it is asked for: the
    /// backend may ask for it and wait a short while. Null if there is none.</summary>
    ValueTask<StreamDescriptor?> AwaitStreamAsync(string name, CancellationToken cancellationToken) => ValueTask.FromResult(FindStream(name));

    /// <summary>Opens the server's RTP/RTCP port pair for one UDP track of <paramref name="session"/>; a failure
    /// (no free port) becomes 453 Not Enough Bandwidth.</summary>
    Result<RtspPortPair> OpenUdp(RtspServerSession session, int track);

    /// <summary>Starts (or resumes) sending; returns the RTP-Info header value, or null.</summary>
    string? Play(RtspServerSession session, string baseUrl);

    /// <summary>Stops sending, keeping the session.</summary>
    void Pause(RtspServerSession session);

    /// <summary>Stops sending and frees what the session holds (UDP ports, subscription). Idempotent.</summary>
    void Close(RtspServerSession session);
}

/// <summary>The connection a request came on: who asked, which address and port they reached, whether it is TLS.</summary>
public sealed record RtspServerConnectionInfo(object Connection, IPAddress RemoteAddress, string Authority, bool Secure);
