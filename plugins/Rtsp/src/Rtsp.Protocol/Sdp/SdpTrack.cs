using System.Globalization;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Rtsp;

namespace Appliance.Plugins.Rtsp.Protocol.Sdp;

/// <summary>A media section we can pull: codec, RTP payload type and clock, control URL, parameter sets from the fmtp.</summary>
public sealed record SdpTrack(
    int Index,
    string Media,
    int PayloadType,
    MediaCodec Codec,
    string CodecName,
    int ClockRate,
    int? Channels,
    string ControlUrl,
    IReadOnlyDictionary<string, string> Fmtp,
    IReadOnlyList<byte[]> Parameters)
{
    public MediaTrack ToMediaTrack(IReadOnlyList<byte[]>? parameters = null) =>
        new(Index, Codec, ClockRate, CodecName, parameters ?? Parameters, Channels);

    public bool IsVideo => Codec is MediaCodec.H264 or MediaCodec.H265;
}

/// <summary>Turns a session description into the tracks this client can depacketize (H.264, H.265, AAC, G.711).</summary>
public static class SdpTrackMapper
{
    public static (IReadOnlyList<SdpTrack> Tracks, IReadOnlyList<string> Skipped) Map(SdpSession session, string baseUrl)
    {
        var sessionBase = RtspUrl.ResolveControl(baseUrl, session.Control);
        var tracks = new List<SdpTrack>();
        var skipped = new List<string>();
        foreach (var media in session.Media)
        {
            if (media.PrimaryFormat is not { } pt) { skipped.Add($"{media.Media}: no payload type"); continue; }
            if (!media.Protocol.StartsWith("RTP/AVP", StringComparison.OrdinalIgnoreCase)) { skipped.Add($"{media.Media}: protocol {media.Protocol}"); continue; }
            var map = media.RtpMap(pt);
            if (map is null) { skipped.Add($"{media.Media}: payload type {pt} has no a=rtpmap"); continue; }
            var fmtp = media.Fmtp(pt);
            var codec = CodecOf(map, fmtp);
            if (codec is null) { skipped.Add($"{media.Media}: unsupported codec {map.EncodingName}/{map.ClockRate.ToString(CultureInfo.InvariantCulture)}"); continue; }
            var control = RtspUrl.ResolveControl(sessionBase, media.Control);
            tracks.Add(new SdpTrack(tracks.Count, media.Media, pt, codec.Value, map.EncodingName.ToUpperInvariant(), map.ClockRate, map.Channels,
                control, fmtp, ParametersOf(codec.Value, fmtp, skipped)));
        }
        return (tracks, skipped);
    }

    private static MediaCodec? CodecOf(SdpRtpMap map, IReadOnlyDictionary<string, string> fmtp)
    {
        switch (map.EncodingName.ToUpperInvariant())
        {
            case "H264": return MediaCodec.H264;
            case "H265":
            case "HEVC": return MediaCodec.H265;
            case "PCMU": return MediaCodec.Pcmu;
            case "PCMA": return MediaCodec.Pcma;
            case "MPEG4-GENERIC":
                var mode = fmtp.TryGetValue("mode", out var m) ? m : "";
                var hasSizes = fmtp.ContainsKey("sizelength");
                return (mode.StartsWith("AAC", StringComparison.OrdinalIgnoreCase) || hasSizes) ? MediaCodec.Aac : null;
            default: return null;
        }
    }

    private static IReadOnlyList<byte[]> ParametersOf(MediaCodec codec, IReadOnlyDictionary<string, string> fmtp, List<string> notes)
    {
        var list = new List<byte[]>();
        switch (codec)
        {
            case MediaCodec.H264:
                if (fmtp.TryGetValue("sprop-parameter-sets", out var sets))
                    foreach (var b64 in sets.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                        AddBase64(list, b64, "sprop-parameter-sets", notes);
                break;
            case MediaCodec.H265:
                foreach (var key in new[] { "sprop-vps", "sprop-sps", "sprop-pps" })
                    if (fmtp.TryGetValue(key, out var value))
                        foreach (var b64 in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                            AddBase64(list, b64, key, notes);
                break;
            case MediaCodec.Aac:
                if (fmtp.TryGetValue("config", out var hex))
                {
                    try { if (hex.Length is > 0 and <= 128) list.Add(Convert.FromHexString(hex)); }
                    catch (FormatException) { notes.Add($"config '{hex}' is not hexadecimal"); }
                }
                break;
        }
        return list;
    }

    private static void AddBase64(List<byte[]> list, string b64, string key, List<string> notes)
    {
        if (b64.Length > 4096) { notes.Add($"{key}: parameter set too long"); return; }
        var buffer = new byte[(b64.Length * 3 + 3) / 4];
        if (Convert.TryFromBase64String(b64, buffer, out var written) && written > 0) list.Add(buffer[..written]);
        else notes.Add($"{key}: '{(b64.Length > 32 ? b64[..32] : b64)}' is not base64");
    }
}
