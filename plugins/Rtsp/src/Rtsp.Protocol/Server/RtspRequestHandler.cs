using System.Globalization;
using System.Net;
using Appliance.Plugins.Rtsp.Protocol.Rtsp;

namespace Appliance.Plugins.Rtsp.Protocol.Server;

/// <summary>Settings of the server's request handling.</summary>
public sealed record RtspServerOptions(TimeSpan SessionTimeout, bool AllowUdp = true, string ServerName = "appliance-rtsp");

/// <summary>
/// The server half of RFC 2326 for one request at a time: OPTIONS, DESCRIBE, SETUP (TCP interleaved, UDP unicast),
/// PLAY, PAUSE, TEARDOWN, GET_PARAMETER and SET_PARAMETER (keep-alive). Sessions live in
/// <see cref="RtspServerSessions"/>; media, ports and streams are the <see cref="IRtspServerBackend"/>'s. Every
/// answer carries the request's CSeq; a request without one gets 400 (RFC 2326 §12.17).
/// </summary>
public sealed class RtspRequestHandler(RtspServerOptions options, RtspServerSessions sessions, IRtspServerBackend backend,
    RtspServerAuthenticator authenticator, TimeProvider time)
{
    public const string PublicMethods = "OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER";

    public async ValueTask<RtspServerResponse> HandleAsync(RtspRequest request, RtspServerConnectionInfo connection, CancellationToken ct)
    {
        var cseq = request.Headers.Get("CSeq")?.Trim();
        if (cseq is null || cseq.Length is 0 or > 10 || !cseq.All(char.IsAsciiDigit))
            return Finish(RtspServerResponse.Error(400, "Bad Request"), null);
        var response = await DispatchAsync(request, connection, ct).ConfigureAwait(false);
        return Finish(response, cseq);
    }

    private RtspServerResponse Finish(RtspServerResponse response, string? cseq)
    {
        if (cseq is not null) response.Headers.Set("CSeq", cseq);
        response.Headers.Set("Server", options.ServerName);
        response.Headers.Set("Date", time.GetUtcNow().ToString("r", CultureInfo.InvariantCulture));
        return response;
    }

    private async ValueTask<RtspServerResponse> DispatchAsync(RtspRequest request, RtspServerConnectionInfo connection, CancellationToken ct)
    {
        switch (request.Method)
        {
            case "OPTIONS":
                var options = RtspServerResponse.Ok();
                options.Headers.Add("Public", PublicMethods);
                return options;
            case "DESCRIBE":
            case "SETUP":
            case "PLAY":
            case "PAUSE":
            case "TEARDOWN":
            case "GET_PARAMETER":
            case "SET_PARAMETER":
                break;
            case "ANNOUNCE":
            case "RECORD":
            case "REDIRECT":
                var refused = RtspServerResponse.Error(405, "Method Not Allowed");
                refused.Headers.Add("Allow", PublicMethods);
                return refused;
            default:
                return RtspServerResponse.Error(501, "Not Implemented");
        }

        if (await authenticator.CheckAsync(request.Method, request.Headers.Get("Authorization"), connection.Secure, ct).ConfigureAwait(false) is { } denied)
            return denied;

        return request.Method switch
        {
            "DESCRIBE" => await DescribeAsync(request, connection, ct).ConfigureAwait(false),
            "SETUP" => Setup(request, connection),
            "PLAY" => Play(request, connection),
            "PAUSE" => Pause(request, connection),
            "TEARDOWN" => Teardown(request, connection),
            _ => KeepAlive(request, connection),
        };
    }

    private async ValueTask<RtspServerResponse> DescribeAsync(RtspRequest request, RtspServerConnectionInfo connection, CancellationToken ct)
    {
        var target = RtspRequestTarget.Parse(request.Uri);
        if (!target.IsOk) return NotFoundOrBad(target.Failure!.Code);
        var stream = await backend.AwaitStreamAsync(target.Value.StreamName, ct).ConfigureAwait(false);
        if (stream is null || !stream.Tracks.Any(Packetizers.PacketizerFactory.CanSend)) return RtspServerResponse.Error(404, "Not Found");
        var address = connection.Authority;
        var host = address.StartsWith('[') ? address[1..address.IndexOf(']')] : address.Split(':')[0];
        var response = new RtspServerResponse(200, "OK") { Body = SdpWriter.Write(stream, host, 1) };
        response.Headers.Add("Content-Base", BaseUrl(connection, target.Value.StreamName) + "/");
        return response;
    }

    private RtspServerResponse Setup(RtspRequest request, RtspServerConnectionInfo connection)
    {
        var target = RtspRequestTarget.Parse(request.Uri);
        if (!target.IsOk) return NotFoundOrBad(target.Failure!.Code);
        var stream = backend.FindStream(target.Value.StreamName);
        if (stream is null) return RtspServerResponse.Error(404, "Not Found");
        var sendable = stream.Tracks.Where(Packetizers.PacketizerFactory.CanSend).ToList();

        RtspServerSession? session = null;
        if (request.Headers.Get("Session") is { } sessionHeader)
        {
            session = FindOwned(sessionHeader, connection);
            if (session is null) return RtspServerResponse.Error(454, "Session Not Found");
            if (session.StreamName != target.Value.StreamName) return RtspServerResponse.Error(459, "Aggregate Operation Not Allowed");
            if (session.State == RtspServerSessionState.Playing) return RtspServerResponse.Error(455, "Method Not Valid in This State");
        }
        var trackIndex = target.Value.Track ?? sendable.Select(t => (int?)t.Index).FirstOrDefault(i => session is null || !session.HasTrack(i!.Value));
        var track = sendable.FirstOrDefault(t => t.Index == trackIndex);
        if (track is null) return RtspServerResponse.Error(404, "Not Found");

        var chosen = RtspServerTransport.Choose(request.Headers.Get("Transport"), options.AllowUdp);
        if (!chosen.IsOk)
            return chosen.Failure!.Code == "unsupported" ? RtspServerResponse.Error(461, "Unsupported Transport") : RtspServerResponse.Error(400, "Bad Request");
        var transport = chosen.Value;

        var created = false;
        if (session is null)
        {
            session = sessions.Create(target.Value.StreamName, connection.Connection, options.SessionTimeout, time.GetUtcNow());
            if (session is null) return RtspServerResponse.Error(453, "Not Enough Bandwidth");
            created = true;
        }
        var ssrc = (uint)Random.Shared.NextInt64(1, uint.MaxValue);
        RtspTrackDelivery delivery;
        RtspTransportHeader answer;
        if (transport.Tcp)
        {
            var channels = transport.Interleaved ?? new RtspPortPair(track.Index * 2, track.Index * 2 + 1);
            if (session.Tracks.Any(t => t.Tcp && t.Channels is { } c && (c.First == channels.First || c.Second == channels.First)))
                channels = new RtspPortPair(session.Tracks.Count * 2, session.Tracks.Count * 2 + 1);
            delivery = new RtspTrackDelivery(track.Index, true, channels, null, null, null, ssrc);
            answer = new RtspTransportHeader(true, Interleaved: channels, Ssrc: ssrc);
        }
        else
        {
            var client = transport.ClientPort!.Value;
            var ports = backend.OpenUdp(session, track.Index);
            if (!ports.IsOk)
            {
                if (created) CloseSession(session);
                return RtspServerResponse.Error(453, "Not Enough Bandwidth");
            }
            delivery = new RtspTrackDelivery(track.Index, false, null, new IPEndPoint(connection.RemoteAddress, client.First),
                new IPEndPoint(connection.RemoteAddress, client.Second), ports.Value, ssrc);
            answer = new RtspTransportHeader(false, ClientPort: client, ServerPort: ports.Value, Ssrc: ssrc);
        }
        session.AddTrack(delivery);
        session.Touch(time.GetUtcNow());
        var response = RtspServerResponse.Ok();
        response.Headers.Add("Transport", answer + ";ssrc=" + ssrc.ToString("X8", CultureInfo.InvariantCulture));
        response.Headers.Add("Session", session.Header);
        return response;
    }

    private RtspServerResponse Play(RtspRequest request, RtspServerConnectionInfo connection)
    {
        if (SessionOf(request, connection, out var error) is not { } session) return error!;
        if (session.Tracks.Count == 0) return RtspServerResponse.Error(455, "Method Not Valid in This State");
        var rtpInfo = backend.Play(session, BaseUrl(connection, session.StreamName));
        session.SetState(RtspServerSessionState.Playing);
        var response = RtspServerResponse.Ok();
        response.Headers.Add("Session", session.Header);
        response.Headers.Add("Range", "npt=now-");
        if (rtpInfo is not null) response.Headers.Add("RTP-Info", rtpInfo);
        return response;
    }

    private RtspServerResponse Pause(RtspRequest request, RtspServerConnectionInfo connection)
    {
        if (SessionOf(request, connection, out var error) is not { } session) return error!;
        backend.Pause(session);
        session.SetState(RtspServerSessionState.Ready);
        var response = RtspServerResponse.Ok();
        response.Headers.Add("Session", session.Header);
        return response;
    }

    private RtspServerResponse Teardown(RtspRequest request, RtspServerConnectionInfo connection)
    {
        if (SessionOf(request, connection, out var error) is not { } session) return error!;
        CloseSession(session);
        return RtspServerResponse.Ok();
    }

    private RtspServerResponse KeepAlive(RtspRequest request, RtspServerConnectionInfo connection)
    {
        if (request.Headers.Get("Session") is null) return RtspServerResponse.Ok();
        if (SessionOf(request, connection, out var error) is not { } session) return error!;
        var response = RtspServerResponse.Ok();
        response.Headers.Add("Session", session.Header);
        return response;
    }

    /// <summary>Closes every session of a connection that went away.</summary>
    public void CloseConnection(object connection)
    {
        foreach (var session in sessions.OfConnection(connection)) CloseSession(session);
    }

    /// <summary>Closes sessions idle past their timeout; returns how many.</summary>
    public int ExpireSessions()
    {
        var expired = sessions.TakeExpired(time.GetUtcNow());
        foreach (var session in expired) backend.Close(session);
        return expired.Count;
    }

    private void CloseSession(RtspServerSession session)
    {
        sessions.Remove(session);
        backend.Close(session);
    }

    private RtspServerSession? SessionOf(RtspRequest request, RtspServerConnectionInfo connection, out RtspServerResponse? error)
    {
        error = null;
        var header = request.Headers.Get("Session");
        if (header is null)
        {
            error = RtspServerResponse.Error(454, "Session Not Found");
            return null;
        }
        var session = FindOwned(header, connection);
        if (session is null) error = RtspServerResponse.Error(454, "Session Not Found");
        return session;
    }

    private RtspServerSession? FindOwned(string header, RtspServerConnectionInfo connection)
    {
        var parsed = RtspSessionHeader.Parse(header);
        if (!parsed.IsOk) return null;
        var session = sessions.Find(parsed.Value!.Id);
        if (session is null) return null;
        // A UDP session may be controlled from another connection (RFC 2326 allows it); an interleaved one may not.
        if (!ReferenceEquals(session.Connection, connection.Connection) && session.Tracks.Any(t => t.Tcp)) return null;
        session.Touch(time.GetUtcNow());
        return session;
    }

    private static string BaseUrl(RtspServerConnectionInfo connection, string streamName) =>
        "rtsp://" + connection.Authority + "/" + string.Join('/', streamName.Split('/').Select(Uri.EscapeDataString));

    private static RtspServerResponse NotFoundOrBad(string code) =>
        code == "not-found" ? RtspServerResponse.Error(404, "Not Found") : RtspServerResponse.Error(400, "Bad Request");
}
