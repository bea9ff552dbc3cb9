using System.Globalization;
using System.Net;
using System.Text;
using Appliance.Abstractions;
using Appliance.Plugins.WebRtc.Protocol.Ice;

namespace Appliance.Plugins.WebRtc.Protocol.Sdp;

/// <summary>A candidate the appliance announces in its answer (ICE-lite: host or configured public address).</summary>
public sealed record LocalCandidate(IPEndPoint EndPoint, string Type, uint Priority)
{
    /// <summary>RFC 8445 5.1.2.1 priority for a component-1 candidate of this type preference.</summary>
    public static uint PriorityFor(int typePreference, int localPreference) => (uint)((typePreference << 24) | (localPreference << 8) | 255);

    public string ToSdp(int foundation) =>
        string.Create(CultureInfo.InvariantCulture, $"candidate:{foundation} 1 udp {Priority} {EndPoint.Address} {EndPoint.Port} typ {Type}");
}

/// <summary>What the appliance can send for one stream: its video codec name (H264, H265) and whether G.711 audio is there.</summary>
public sealed record MediaSourceDescription(string VideoCodec, string? AudioCodec);

/// <summary>The outcome of negotiation: the answer text and the payload types media will use.</summary>
public sealed record NegotiatedSession(string AnswerSdp, string VideoMid, int VideoPayloadType, uint VideoSsrc, string? AudioMid, int? AudioPayloadType, uint AudioSsrc, string VideoCodec);

/// <summary>
/// Builds the ICE-lite, DTLS-passive, send-only answer to a WebRTC offer. Refuses offers with no video codec in
/// common (<c>no-common-codec</c>), a DTLS role we cannot take, or no rtcp-mux, with a failure that says so.
/// </summary>
public static class SdpAnswerBuilder
{
    public static Result<NegotiatedSession> Build(
        SdpOffer offer,
        MediaSourceDescription source,
        IceCredentials local,
        string fingerprintSha256,
        IReadOnlyList<LocalCandidate> candidates,
        uint videoSsrc,
        uint audioSsrc)
    {
        if (offer.Setup is not ("actpass" or "active"))
            return Result<NegotiatedSession>.Fail("unsupported", $"SDP: a=setup:{offer.Setup}; the appliance is the DTLS server and needs actpass or active");
        if (offer.FingerprintAlgorithm != "sha-256")
            return Result<NegotiatedSession>.Fail("unsupported", $"SDP: fingerprint hash {offer.FingerprintAlgorithm}; sha-256 is required");
        var videoIndex = -1;
        SdpCodec? video = null;
        for (var i = 0; i < offer.Media.Count && video is null; i++)
        {
            var m = offer.Media[i];
            if (m.Kind != "video" || m.Port == 0 || m.Direction is "sendonly" or "inactive") continue;
            video = PickVideo(m, source.VideoCodec);
            if (video is not null) videoIndex = i;
        }
        if (video is null)
        {
            var offered = string.Join(", ", offer.Media.Where(m => m.Kind == "video").SelectMany(m => m.Codecs).Select(c => c.Name).Distinct());
            return source.VideoCodec == "H265" && !offered.Contains("H265", StringComparison.OrdinalIgnoreCase)
                ? Result<NegotiatedSession>.Fail("needs-transcoding", $"the camera sends H.265 and the browser offers only {offered}; transcoding needs the media plugin")
                : Result<NegotiatedSession>.Fail("no-common-codec", $"no video codec in common: the appliance sends {source.VideoCodec} (packetization-mode 1), the offer has {(offered.Length == 0 ? "none" : offered)}");
        }
        if (!offer.Media[videoIndex].RtcpMux) return Result<NegotiatedSession>.Fail("unsupported", "SDP: the video section has no a=rtcp-mux");

        var audioIndex = -1;
        SdpCodec? audio = null;
        if (source.AudioCodec is not null)
        {
            for (var i = 0; i < offer.Media.Count && audio is null; i++)
            {
                var m = offer.Media[i];
                if (m.Kind != "audio" || m.Port == 0 || m.Direction is "sendonly" or "inactive") continue;
                audio = m.Codecs.FirstOrDefault(c => c.Name.Equals(source.AudioCodec, StringComparison.OrdinalIgnoreCase) && c.ClockRate == 8000);
                if (audio is not null) audioIndex = i;
            }
        }

        var bundle = new List<string>();
        for (var i = 0; i < offer.Media.Count; i++)
            if ((i == videoIndex || i == audioIndex) && offer.Media[i].Mid is { } mid) bundle.Add(mid);

        var sdp = new StringBuilder();
        sdp.Append("v=0\r\n");
        sdp.Append(CultureInfo.InvariantCulture, $"o=appliance {videoSsrc} 2 IN IP4 127.0.0.1\r\n");
        sdp.Append("s=-\r\nt=0 0\r\n");
        if (bundle.Count > 0) sdp.Append("a=group:BUNDLE ").Append(string.Join(' ', bundle)).Append("\r\n");
        sdp.Append("a=ice-lite\r\na=msid-semantic: WMS appliance\r\n");
        var first = true;
        for (var i = 0; i < offer.Media.Count; i++)
        {
            var m = offer.Media[i];
            if (i == videoIndex || i == audioIndex)
            {
                var codec = i == videoIndex ? video : audio!;
                var ssrc = i == videoIndex ? videoSsrc : audioSsrc;
                sdp.Append(CultureInfo.InvariantCulture, $"m={m.Kind} 9 UDP/TLS/RTP/SAVPF {codec.PayloadType}\r\n");
                sdp.Append("c=IN IP4 0.0.0.0\r\n");
                if (m.Mid is not null) sdp.Append("a=mid:").Append(m.Mid).Append("\r\n");
                sdp.Append("a=ice-ufrag:").Append(local.UsernameFragment).Append("\r\n");
                sdp.Append("a=ice-pwd:").Append(local.Password).Append("\r\n");
                sdp.Append("a=fingerprint:sha-256 ").Append(fingerprintSha256).Append("\r\n");
                sdp.Append("a=setup:passive\r\n");
                sdp.Append("a=sendonly\r\n");
                sdp.Append("a=rtcp-mux\r\n");
                sdp.Append(CultureInfo.InvariantCulture, $"a=rtpmap:{codec.PayloadType} {codec.Name}/{codec.ClockRate}\r\n");
                if (i == videoIndex)
                {
                    var fmtp = string.Join(';', codec.Parameters.Select(p => $"{p.Key}={p.Value}"));
                    if (fmtp.Length > 0) sdp.Append(CultureInfo.InvariantCulture, $"a=fmtp:{codec.PayloadType} {fmtp}\r\n");
                    sdp.Append(CultureInfo.InvariantCulture, $"a=rtcp-fb:{codec.PayloadType} nack\r\n");
                    sdp.Append(CultureInfo.InvariantCulture, $"a=rtcp-fb:{codec.PayloadType} nack pli\r\n");
                    sdp.Append(CultureInfo.InvariantCulture, $"a=rtcp-fb:{codec.PayloadType} ccm fir\r\n");
                }
                var track = i == videoIndex ? "video0" : "audio0";
                sdp.Append(CultureInfo.InvariantCulture, $"a=msid:appliance {track}\r\n");
                sdp.Append(CultureInfo.InvariantCulture, $"a=ssrc:{ssrc} cname:appliance\r\n");
                sdp.Append(CultureInfo.InvariantCulture, $"a=ssrc:{ssrc} msid:appliance {track}\r\n");
                if (first)
                {
                    var foundation = 1;
                    foreach (var c in candidates) sdp.Append("a=").Append(c.ToSdp(foundation++)).Append("\r\n");
                    sdp.Append("a=end-of-candidates\r\n");
                    first = false;
                }
            }
            else
            {
                var format = m.Codecs.Count > 0 ? m.Codecs[0].PayloadType.ToString(CultureInfo.InvariantCulture) : "0";
                sdp.Append(CultureInfo.InvariantCulture, $"m={m.Kind} 0 {m.Protocol} {format}\r\n");
                sdp.Append("c=IN IP4 0.0.0.0\r\n");
                if (m.Mid is not null) sdp.Append("a=mid:").Append(m.Mid).Append("\r\n");
                sdp.Append("a=inactive\r\n");
            }
        }
        return new NegotiatedSession(sdp.ToString(), offer.Media[videoIndex].Mid ?? "0", video.PayloadType, videoSsrc,
            audioIndex >= 0 ? offer.Media[audioIndex].Mid : null, audio?.PayloadType, audioSsrc, source.VideoCodec);
    }

    /// <summary>H.264 with packetization-mode=1, preferring constrained baseline 42e01f, then any profile; or H.265.</summary>
    private static SdpCodec? PickVideo(SdpMediaSection m, string codec)
    {
        var matching = m.Codecs.Where(c => c.Name.Equals(codec, StringComparison.OrdinalIgnoreCase) && c.ClockRate == 90000).ToList();
        if (codec.Equals("H264", StringComparison.OrdinalIgnoreCase))
        {
            matching = matching.Where(c => c.Parameter("packetization-mode") == "1").ToList();
            return matching.FirstOrDefault(c => c.Parameter("profile-level-id")?.Equals("42e01f", StringComparison.OrdinalIgnoreCase) == true)
                ?? matching.FirstOrDefault(c => c.Parameter("profile-level-id")?.StartsWith("42", StringComparison.OrdinalIgnoreCase) == true)
                ?? matching.FirstOrDefault();
        }
        return matching.FirstOrDefault();
    }
}
