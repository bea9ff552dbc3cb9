using System.Globalization;
using System.Text;
using Appliance.Abstractions;

namespace Appliance.Plugins.WebRtc.Protocol.Sdp;

/// <summary>
/// Parses a WebRTC SDP offer. Never throws: a missing ICE credential or DTLS fingerprint, a broken line, a
/// size past <see cref="SdpLimits"/> is a <see cref="Failure"/> naming the line. Unknown attributes are ignored.
/// </summary>
public static class SdpOfferParser
{
    public static Result<SdpOffer> Parse(ReadOnlySpan<byte> body, SdpLimits? limits = null)
    {
        limits ??= SdpLimits.Default;
        if (body.Length > limits.MaxBytes) return Result<SdpOffer>.Fail("too-large", $"SDP: {body.Length} bytes, limit {limits.MaxBytes}");
        if (body.IndexOf((byte)0) >= 0) return Result<SdpOffer>.Fail("malformed", "SDP: contains a NUL byte");
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return Result<SdpOffer>.Fail("malformed", "SDP: not UTF-8");
        }
        return Parse(text, limits);
    }

    public static Result<SdpOffer> Parse(string text, SdpLimits? limits = null)
    {
        limits ??= SdpLimits.Default;
        var lines = text.Split('\n');
        if (lines.Length > limits.MaxLines) return Result<SdpOffer>.Fail("too-large", $"SDP: {lines.Length} lines, limit {limits.MaxLines}");
        var session = new SectionBuilder("session", 0, "");
        var sections = new List<SectionBuilder>();
        var current = session;
        var sawVersion = false;
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].TrimEnd('\r');
            if (line.Length == 0) continue;
            if (line.Length > limits.MaxLineLength) return Fail(n, $"longer than {limits.MaxLineLength} characters");
            if (line.Length < 2 || line[1] != '=') return Fail(n, "not of the form <type>=<value>");
            var value = line[2..];
            switch (line[0])
            {
                case 'v':
                    if (value != "0") return Fail(n, "version is not 0");
                    sawVersion = true;
                    break;
                case 'm':
                    if (sections.Count >= limits.MaxMediaSections) return Result<SdpOffer>.Fail("too-large", $"SDP: more than {limits.MaxMediaSections} m-sections");
                    var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length < 4 || !int.TryParse(parts[1].Split('/')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
                        return Fail(n, "m= needs <media> <port> <proto> <fmt>...");
                    if (parts.Length - 3 > limits.MaxCodecsPerSection) return Fail(n, $"more than {limits.MaxCodecsPerSection} formats");
                    current = new SectionBuilder(parts[0], port, parts[2]);
                    foreach (var f in parts.Skip(3))
                    {
                        if (!int.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out var pt) || pt > 127) return Fail(n, $"payload type '{f}' is not 0-127");
                        current.Formats.Add(pt);
                    }
                    sections.Add(current);
                    break;
                case 'a':
                    var error = current.Attribute(value);
                    if (error is not null) return Fail(n, error);
                    break;
            }
        }
        if (!sawVersion) return Result<SdpOffer>.Fail("malformed", "SDP: no v=0 line");
        if (sections.Count == 0) return Result<SdpOffer>.Fail("malformed", "SDP: no m= section");

        var first = sections[0];
        var ufrag = first.IceUfrag ?? session.IceUfrag;
        var pwd = first.IcePwd ?? session.IcePwd;
        var fingerprint = first.Fingerprint ?? session.Fingerprint;
        var setup = first.Setup ?? session.Setup ?? "actpass";
        if (ufrag is null || pwd is null) return Result<SdpOffer>.Fail("malformed", "SDP: no a=ice-ufrag/a=ice-pwd");
        if (ufrag.Length is < 4 or > 256 || pwd.Length is < 22 or > 256) return Result<SdpOffer>.Fail("malformed", "SDP: ice-ufrag or ice-pwd has a length RFC 8839 does not allow");
        if (fingerprint is null) return Result<SdpOffer>.Fail("malformed", "SDP: no a=fingerprint (DTLS is required)");
        var media = sections.Select(s => s.Build()).ToList();
        var candidates = sections.SelectMany(s => s.Candidates).ToList();
        return new SdpOffer(ufrag, pwd, fingerprint.Value.Algorithm, fingerprint.Value.Bytes, setup, media, candidates);
    }

    private static Result<SdpOffer> Fail(int line, string what) => Result<SdpOffer>.Fail("malformed", $"SDP line {line + 1}: {what}");

    private sealed class SectionBuilder(string kind, int port, string protocol)
    {
        public List<int> Formats { get; } = new();
        public Dictionary<int, (string Name, int Clock, int Channels)> RtpMaps { get; } = new();
        public Dictionary<int, Dictionary<string, string>> Fmtp { get; } = new();
        public Dictionary<int, List<string>> Feedback { get; } = new();
        public List<string> Candidates { get; } = new();
        public string? IceUfrag { get; private set; }
        public string? IcePwd { get; private set; }
        public (string Algorithm, byte[] Bytes)? Fingerprint { get; private set; }
        public string? Setup { get; private set; }
        public string? Mid { get; private set; }
        public string Direction { get; private set; } = "sendrecv";
        public bool RtcpMux { get; private set; }

        /// <summary>Takes one a= value; returns an error text or null.</summary>
        public string? Attribute(string value)
        {
            var colon = value.IndexOf(':');
            var name = colon < 0 ? value : value[..colon];
            var rest = colon < 0 ? "" : value[(colon + 1)..];
            switch (name)
            {
                case "ice-ufrag": IceUfrag = rest.Trim(); break;
                case "ice-pwd": IcePwd = rest.Trim(); break;
                case "setup": Setup = rest.Trim(); break;
                case "mid": Mid = rest.Trim(); break;
                case "rtcp-mux": RtcpMux = true; break;
                case "sendrecv" or "sendonly" or "recvonly" or "inactive": Direction = name; break;
                case "candidate": Candidates.Add(rest); break;
                case "fingerprint":
                    var fp = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (fp.Length != 2) return "a=fingerprint needs <hash> <hex:hex...>";
                    var bytes = ParseHex(fp[1]);
                    if (bytes is null || bytes.Length is < 16 or > 64) return "a=fingerprint is not colon-separated hex";
                    // Several hashes may be offered (aiortc sends sha-256, sha-384, sha-512): keep sha-256 when there.
                    if (Fingerprint is null || Fingerprint.Value.Algorithm != "sha-256") Fingerprint = (fp[0].ToLowerInvariant(), bytes);
                    break;
                case "rtpmap":
                {
                    var (pt, tail) = SplitPayloadType(rest);
                    if (pt < 0) return "a=rtpmap needs a payload type";
                    var enc = tail.Split('/');
                    if (enc.Length < 2 || !int.TryParse(enc[1], NumberStyles.None, CultureInfo.InvariantCulture, out var clock) || clock == 0)
                        return "a=rtpmap needs <name>/<clock rate>";
                    var channels = enc.Length > 2 && int.TryParse(enc[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ch) ? ch : 1;
                    RtpMaps[pt] = (enc[0], clock, channels);
                    break;
                }
                case "fmtp":
                {
                    var (pt, tail) = SplitPayloadType(rest);
                    if (pt < 0) return "a=fmtp needs a payload type";
                    var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    foreach (var p in tail.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        var eq = p.IndexOf('=');
                        if (eq > 0) map[p[..eq].Trim()] = p[(eq + 1)..].Trim();
                    }
                    Fmtp[pt] = map;
                    break;
                }
                case "rtcp-fb":
                {
                    var (pt, tail) = SplitPayloadType(rest);
                    if (pt < 0 && !rest.StartsWith('*')) return "a=rtcp-fb needs a payload type";
                    if (pt >= 0)
                    {
                        if (!Feedback.TryGetValue(pt, out var list)) Feedback[pt] = list = new List<string>();
                        if (list.Count < 32) list.Add(tail.Trim());
                    }
                    break;
                }
            }
            return null;
        }

        public SdpMediaSection Build()
        {
            var codecs = Formats
                .Where(RtpMaps.ContainsKey)
                .Select(pt => new SdpCodec(pt, RtpMaps[pt].Name, RtpMaps[pt].Clock, RtpMaps[pt].Channels,
                    Fmtp.TryGetValue(pt, out var f) ? f : new Dictionary<string, string>(),
                    Feedback.TryGetValue(pt, out var fb) ? fb : new List<string>()))
                .ToList();
            return new SdpMediaSection(kind, port, protocol, Mid, Direction, codecs, RtcpMux);
        }

        private static (int PayloadType, string Tail) SplitPayloadType(string value)
        {
            var space = value.IndexOf(' ');
            var head = space < 0 ? value : value[..space];
            return int.TryParse(head, NumberStyles.None, CultureInfo.InvariantCulture, out var pt) && pt <= 127
                ? (pt, space < 0 ? "" : value[(space + 1)..])
                : (-1, value);
        }

        private static byte[]? ParseHex(string text)
        {
            var parts = text.Split(':');
            var bytes = new byte[parts.Length];
            for (var i = 0; i < parts.Length; i++)
                if (parts[i].Length != 2 || !byte.TryParse(parts[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out bytes[i])) return null;
            return bytes;
        }
    }
}
