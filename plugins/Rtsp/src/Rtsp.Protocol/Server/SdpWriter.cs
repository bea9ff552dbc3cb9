using System.Globalization;
using System.Text;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Packetizers;

namespace Appliance.Plugins.Rtsp.Protocol.Server;

/// <summary>
/// The session description a DESCRIBE answers with (RFC 4566, RFC 2326 appendix C): one media section per track
/// this server can send, each with its payload type, rtpmap, fmtp (H.264 sprop-parameter-sets and
/// profile-level-id, H.265 sprop-vps/sps/pps, AAC config) and a relative control URL <c>trackID=N</c>.
/// </summary>
public static class SdpWriter
{
    /// <summary>The control suffix of a track: <c>trackID={index}</c>.</summary>
    public static string TrackControl(int index) => "trackID=" + index.ToString(CultureInfo.InvariantCulture);

    /// <param name="descriptor">The hub stream.</param>
    /// <param name="serverAddress">The address the client reached (o= and c= lines).</param>
    /// <param name="sessionId">A number for the o= line (any stable value).</param>
    public static string Write(StreamDescriptor descriptor, string serverAddress, long sessionId)
    {
        var ipv6 = serverAddress.Contains(':');
        var family = ipv6 ? "IP6" : "IP4";
        var sb = new StringBuilder(512);
        sb.Append("v=0\r\n");
        sb.Append("o=- ").Append(sessionId.ToString(CultureInfo.InvariantCulture)).Append(" 1 IN ").Append(family).Append(' ').Append(serverAddress).Append("\r\n");
        sb.Append("s=").Append(Sanitize(descriptor.Name)).Append("\r\n");
        sb.Append("c=IN ").Append(family).Append(' ').Append(ipv6 ? "::" : "0.0.0.0").Append("\r\n");
        sb.Append("t=0 0\r\n");
        sb.Append("a=tool:appliance\r\n");
        sb.Append("a=range:npt=now-\r\n");
        sb.Append("a=control:*\r\n");
        foreach (var track in descriptor.Tracks)
        {
            if (!PacketizerFactory.CanSend(track)) continue;
            var pt = PacketizerFactory.PayloadTypeOf(track).ToString(CultureInfo.InvariantCulture);
            var video = track.Codec is MediaCodec.H264 or MediaCodec.H265;
            sb.Append("m=").Append(video ? "video" : "audio").Append(" 0 RTP/AVP ").Append(pt).Append("\r\n");
            sb.Append("a=rtpmap:").Append(pt).Append(' ').Append(RtpMap(track)).Append("\r\n");
            if (Fmtp(track) is { } fmtp) sb.Append("a=fmtp:").Append(pt).Append(' ').Append(fmtp).Append("\r\n");
            sb.Append("a=control:").Append(TrackControl(track.Index)).Append("\r\n");
        }
        return sb.ToString();
    }

    private static string RtpMap(MediaTrack track)
    {
        var rate = track.ClockRate.ToString(CultureInfo.InvariantCulture);
        return track.Codec switch
        {
            MediaCodec.H264 => "H264/" + rate,
            MediaCodec.H265 => "H265/" + rate,
            MediaCodec.Aac => "MPEG4-GENERIC/" + rate + "/" + (track.Channels ?? 1).ToString(CultureInfo.InvariantCulture),
            MediaCodec.Pcmu => "PCMU/" + rate,
            MediaCodec.Pcma => "PCMA/" + rate,
            _ => throw new ArgumentOutOfRangeException(nameof(track)),
        };
    }

    private static string? Fmtp(MediaTrack track)
    {
        switch (track.Codec)
        {
            case MediaCodec.H264:
            {
                var sps = track.Parameters.FirstOrDefault(p => p.Length > 0 && (p[0] & 0x1F) == 7);
                var pps = track.Parameters.Where(p => p.Length > 0 && (p[0] & 0x1F) == 8);
                var sb = new StringBuilder("packetization-mode=1");
                if (sps is { Length: >= 4 }) sb.Append(";profile-level-id=").Append(Convert.ToHexString(sps, 1, 3));
                var sets = (sps is null ? pps : pps.Prepend(sps)).Select(Convert.ToBase64String).ToList();
                if (sets.Count > 0) sb.Append(";sprop-parameter-sets=").Append(string.Join(',', sets));
                return sb.ToString();
            }
            case MediaCodec.H265:
            {
                var parts = new List<string>();
                foreach (var (type, key) in new[] { (32, "sprop-vps"), (33, "sprop-sps"), (34, "sprop-pps") })
                {
                    var sets = track.Parameters.Where(p => p.Length > 1 && ((p[0] >> 1) & 0x3F) == type).Select(Convert.ToBase64String).ToList();
                    if (sets.Count > 0) parts.Add(key + "=" + string.Join(',', sets));
                }
                return parts.Count == 0 ? null : string.Join(';', parts);
            }
            case MediaCodec.Aac:
            {
                var config = track.Parameters.FirstOrDefault();
                return AacPacketizer.FmtpMode + (config is { Length: > 0 } ? ";config=" + Convert.ToHexString(config) : "");
            }
            default:
                return null;
        }
    }

    private static string Sanitize(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text) sb.Append(c is < ' ' or > '~' ? '_' : c);
        return sb.Length == 0 ? "stream" : sb.ToString();
    }
}
