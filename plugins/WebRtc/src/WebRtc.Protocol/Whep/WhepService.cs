using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Appliance.Plugins.WebRtc.Protocol.Sdp;
using Appliance.Plugins.WebRtc.Protocol.Session;

namespace Appliance.Plugins.WebRtc.Protocol.Whep;

/// <summary>A stream a viewer may watch: what it carries and the feed its frames come from.</summary>
public sealed record WhepStream(string Name, MediaSourceDescription Source, VideoFeed Feed);

/// <summary>
/// The WHEP resource logic (draft-ietf-wish-whep): POST an SDP offer to a stream's endpoint, get 201 with the
/// answer, a <c>Location</c> for the session resource and an <c>ETag</c>; PATCH that resource with trickled
/// candidates (<c>application/trickle-ice-sdpfrag</c>); DELETE it to stop. HTTP-framework free: the plugin maps
/// its routes onto these methods. Every error is an HTTP status with a sentence: 415 wrong content type, 400
/// malformed SDP, 413 oversized offer, 404 unknown stream or session, 406 no codec in common (or an H.265 stream, a
/// browser without H.265 and no H.264 copy of it), 503 when the session limit is reached. An H.265 stream for a
/// viewer that offers only H.264 is served from its H.264 copy when <c>transcoded</c> finds one (the media plugin's
/// <c>camera/{id}/h264</c>). Sessions end by themselves (consent, connect timeout) and are removed then.
/// </summary>
public sealed class WhepService : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, WebRtcPeerSession> _sessions = new(StringComparer.Ordinal);
    private readonly Func<string, WhepStream?> _resolve;
    private readonly Func<string, CancellationToken, ValueTask<WhepStream?>>? _transcoded;
    private readonly WebRtcSessionOptions _options;
    private readonly string _resourcePrefix;
    private readonly int _maxSessions;

    /// <param name="resolve">Finds a stream by the name in the URL (null: 404).</param>
    /// <param name="resourcePrefix">Path under which session resources live, e.g. <c>/whep-resource/</c>.</param>
    /// <param name="transcoded">The H.264 copy of an H.265 stream, by the stream's name (null: none).</param>
    public WhepService(Func<string, WhepStream?> resolve, WebRtcSessionOptions options, string resourcePrefix, int maxSessions = 64,
        Func<string, CancellationToken, ValueTask<WhepStream?>>? transcoded = null)
    {
        _resolve = resolve;
        _transcoded = transcoded;
        _options = options;
        _resourcePrefix = resourcePrefix.EndsWith('/') ? resourcePrefix : resourcePrefix + "/";
        _maxSessions = maxSessions;
    }

    public int SessionCount => _sessions.Count;

    public IReadOnlyList<SessionSnapshot> Snapshots() => _sessions.Values.Select(s => s.Snapshot()).ToList();

    public WebRtcPeerSession? Find(string id) => _sessions.TryGetValue(id, out var s) ? s : null;

    /// <summary>OPTIONS on the endpoint: what it accepts.</summary>
    public static WhepResponse Options() =>
        WhepResponse.Empty(204, new Dictionary<string, string> { ["Accept-Post"] = "application/sdp", ["Allow"] = "OPTIONS, POST" });

    /// <summary>POST of an offer to the endpoint of <paramref name="streamName"/>.</summary>
    public async Task<WhepResponse> OfferAsync(string streamName, string? contentType, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        if (!IsMediaType(contentType, "application/sdp")) return WhepResponse.Problem(415, "WHEP: the offer must be sent as application/sdp", new Dictionary<string, string> { ["Accept-Post"] = "application/sdp" });
        if (body.Length > _options.SdpLimits.MaxBytes) return WhepResponse.Problem(413, $"WHEP: the offer is {body.Length} bytes, the limit is {_options.SdpLimits.MaxBytes}");
        var stream = _resolve(streamName);
        if (stream is null) return WhepResponse.Problem(404, $"WHEP: no stream '{streamName}'");
        if (_sessions.Count >= _maxSessions) return WhepResponse.Problem(503, $"WHEP: {_maxSessions} viewers already; try again later", new Dictionary<string, string> { ["Retry-After"] = "10" });
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var created = await WebRtcPeerSession.CreateAsync(id, body, stream.Source, _options, cancellationToken);
        if (created.Failure is { Code: "needs-transcoding" } needs && _transcoded is not null)
        {
            // The browser cannot play H.265: its H.264 copy, if one can be had.
            var copy = await _transcoded(streamName, cancellationToken);
            if (copy is null)
                return WhepResponse.Problem(406, $"WHEP: {needs.Message}, and no H.264 copy of '{streamName}' is available (is the media plugin running?)");
            stream = copy;
            created = await WebRtcPeerSession.CreateAsync(id, body, stream.Source, _options, cancellationToken);
        }
        if (!created.TryGetValue(out var session, out var failure))
        {
            var status = failure.Code switch
            {
                "too-large" => 413,
                "no-common-codec" or "needs-transcoding" => 406,
                "exhausted" => 503,
                _ => 400,
            };
            return WhepResponse.Problem(status, $"WHEP: {failure.Message}");
        }
        _sessions[id] = session;
        session.Closed += s => _sessions.TryRemove(s.Id, out _);
        stream.Feed.Attach(session);
        return new WhepResponse(201, new Dictionary<string, string>
        {
            ["Location"] = _resourcePrefix + id,
            ["ETag"] = $"\"{session.LocalCredentials.UsernameFragment}\"",
            ["Cache-Control"] = "no-store",
        }, "application/sdp", Encoding.UTF8.GetBytes(session.AnswerSdp));
    }

    /// <summary>PATCH of a session resource with trickled candidates. ICE restarts are refused (the client makes a new session).</summary>
    public WhepResponse Patch(string id, string? contentType, string? ifMatch, ReadOnlySpan<byte> body)
    {
        if (!_sessions.TryGetValue(id, out var session)) return WhepResponse.Problem(404, "WHEP: no such session");
        if (!IsMediaType(contentType, "application/trickle-ice-sdpfrag")) return WhepResponse.Problem(415, "WHEP: PATCH takes application/trickle-ice-sdpfrag");
        if (body.Length > _options.SdpLimits.MaxBytes) return WhepResponse.Problem(413, "WHEP: the fragment is too large");
        if (ifMatch is not null && ifMatch != "*" && ifMatch != $"\"{session.LocalCredentials.UsernameFragment}\"")
            return WhepResponse.Problem(412, "WHEP: If-Match does not name this session's ICE generation");
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return WhepResponse.Problem(400, "WHEP: the fragment is not UTF-8");
        }
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (lines.Any(l => l.StartsWith("a=ice-pwd:", StringComparison.Ordinal)))
            return WhepResponse.Problem(405, "WHEP: ICE restart is not supported; open a new session", new Dictionary<string, string> { ["Allow"] = "PATCH, DELETE" });
        session.AddRemoteCandidates(lines.Where(l => l.StartsWith("a=candidate:", StringComparison.Ordinal)).Select(l => l[2..]));
        return WhepResponse.Empty(204);
    }

    /// <summary>DELETE of a session resource.</summary>
    public async Task<WhepResponse> DeleteAsync(string id)
    {
        if (!_sessions.TryRemove(id, out var session)) return WhepResponse.Problem(404, "WHEP: no such session");
        await session.DisposeAsync();
        return WhepResponse.Empty(200);
    }

    private static bool IsMediaType(string? contentType, string expected) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals(expected, StringComparison.OrdinalIgnoreCase);

    public async ValueTask DisposeAsync()
    {
        foreach (var id in _sessions.Keys.ToList())
            if (_sessions.TryRemove(id, out var s)) await s.DisposeAsync();
    }
}
