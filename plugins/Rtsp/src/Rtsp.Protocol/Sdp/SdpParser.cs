using Appliance.Abstractions;
using System.Globalization;

namespace Appliance.Plugins.Rtsp.Protocol.Sdp;

/// <summary>Bounds on a session description.</summary>
public sealed record SdpLimits(int MaxBytes = 64 * 1024, int MaxLines = 2000, int MaxMedia = 16, int MaxLineLength = 8 * 1024)
{
    public static SdpLimits Default { get; } = new();
}

/// <summary>
/// RFC 4566 parser. Structural faults (no v= first, a malformed m= line, limits exceeded) are errors;
/// lines it cannot use (unknown types, malformed attributes) become warnings so that a real camera's quirks
/// do not stop the stream.
/// </summary>
public static class SdpParser
{
    public static Result<SdpSession> Parse(string? text, SdpLimits? limits = null)
    {
        limits ??= SdpLimits.Default;
        if (string.IsNullOrEmpty(text)) return Result<SdpSession>.Fail("malformed", "empty session description");
        if (text.Length > limits.MaxBytes) return Result<SdpSession>.Fail("too-large", $"session description larger than {limits.MaxBytes} bytes");
        var lines = text.Split('\n');
        if (lines.Length > limits.MaxLines) return Result<SdpSession>.Fail("too-large", $"session description has more than {limits.MaxLines} lines");

        var warnings = new List<string>();
        var sessionAttributes = new List<KeyValuePair<string, string?>>();
        var media = new List<SdpMediaDescription>();
        MediaBuilder? current = null;
        int? version = null;
        string? origin = null, name = null;
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].TrimEnd('\r');
            if (line.Length == 0) continue;
            if (line.Length > limits.MaxLineLength) return Result<SdpSession>.Fail("too-large", $"line {n + 1} longer than {limits.MaxLineLength} characters");
            if (line.Length < 2 || line[1] != '=' || !char.IsAsciiLetterLower(line[0]))
            {
                if (version is null) return Result<SdpSession>.Fail("malformed", $"line {n + 1} is not '<type>=<value>'");
                warnings.Add($"line {n + 1} ignored: not '<type>=<value>'");
                continue;
            }
            var type = line[0];
            var value = line[2..];
            if (version is null)
            {
                if (type != 'v') return Result<SdpSession>.Fail("malformed", "session description does not start with v=");
                if (!int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v != 0)
                    return Result<SdpSession>.Fail("malformed", $"unsupported SDP version '{value}'");
                version = v;
                continue;
            }
            switch (type)
            {
                case 'm':
                    if (current is not null) media.Add(current.Build());
                    if (media.Count >= limits.MaxMedia) return Result<SdpSession>.Fail("too-large", $"more than {limits.MaxMedia} media descriptions");
                    var parsed = ParseMediaLine(value);
                    if (!parsed.IsOk) return Result<SdpSession>.Fail(parsed.Failure!.Code, $"line {n + 1}: {parsed.Failure.Message}");
                    current = parsed.Value;
                    break;
                case 'a':
                    var colon = value.IndexOf(':');
                    var attrName = colon < 0 ? value : value[..colon];
                    var attrValue = colon < 0 ? null : value[(colon + 1)..];
                    if (attrName.Length == 0) { warnings.Add($"line {n + 1} ignored: empty attribute name"); break; }
                    if (current is null) sessionAttributes.Add(new(attrName, attrValue));
                    else current.AddAttribute(attrName, attrValue, n + 1, warnings);
                    break;
                case 'o' when current is null: origin = value; break;
                case 's' when current is null: name = value; break;
                case 'v': warnings.Add($"line {n + 1} ignored: repeated v="); break;
                default: break; // i, u, e, p, c, b, t, r, z, k: not needed to pull a stream
            }
        }
        if (version is null) return Result<SdpSession>.Fail("malformed", "session description has no v= line");
        if (current is not null) media.Add(current.Build());
        return Result<SdpSession>.Ok(new SdpSession(version.Value, origin, name, sessionAttributes, media, warnings));
    }

    private static Result<MediaBuilder> ParseMediaLine(string value)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 4) return Result<MediaBuilder>.Fail("malformed", "m= line needs media, port, protocol and at least one format");
        var portText = parts[1];
        var slash = portText.IndexOf('/');
        if (slash >= 0) portText = portText[..slash];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
            return Result<MediaBuilder>.Fail("malformed", $"invalid port '{parts[1]}' in m= line");
        var formats = new List<int>();
        foreach (var f in parts.Skip(3))
        {
            if (int.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out var pt) && pt <= 127) formats.Add(pt);
            else if (parts[2].Contains("RTP", StringComparison.OrdinalIgnoreCase)) return Result<MediaBuilder>.Fail("malformed", $"invalid RTP payload type '{f}' in m= line");
        }
        return new MediaBuilder(parts[0], port, parts[2], formats);
    }

    private sealed class MediaBuilder(string media, int port, string protocol, List<int> formats)
    {
        private readonly List<KeyValuePair<string, string?>> _attributes = new();
        private readonly Dictionary<int, SdpRtpMap> _rtpMaps = new();
        private readonly Dictionary<int, IReadOnlyDictionary<string, string>> _fmtps = new();

        public void AddAttribute(string name, string? value, int line, List<string> warnings)
        {
            _attributes.Add(new(name, value));
            if (name.Equals("rtpmap", StringComparison.OrdinalIgnoreCase))
            {
                if (TryParseRtpMap(value, out var map)) _rtpMaps[map!.PayloadType] = map;
                else warnings.Add($"line {line}: malformed a=rtpmap '{value}'");
            }
            else if (name.Equals("fmtp", StringComparison.OrdinalIgnoreCase))
            {
                if (TryParseFmtp(value, out var pt, out var fmtp)) _fmtps[pt] = fmtp!;
                else warnings.Add($"line {line}: malformed a=fmtp '{value}'");
            }
        }

        public SdpMediaDescription Build() => new(media, port, protocol, formats, _attributes, _rtpMaps, _fmtps);

        private static bool TryParseRtpMap(string? value, out SdpRtpMap? map)
        {
            map = null;
            if (value is null) return false;
            var space = value.IndexOf(' ');
            if (space <= 0) return false;
            if (!int.TryParse(value[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var pt) || pt > 127) return false;
            var parts = value[(space + 1)..].Trim().Split('/');
            if (parts.Length < 2 || parts[0].Length == 0) return false;
            if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var rate) || rate is <= 0 or > 10_000_000) return false;
            int? channels = null;
            if (parts.Length > 2)
            {
                if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ch) || ch is <= 0 or > 255) return false;
                channels = ch;
            }
            map = new SdpRtpMap(pt, parts[0], rate, channels);
            return true;
        }

        private static bool TryParseFmtp(string? value, out int payloadType, out IReadOnlyDictionary<string, string>? fmtp)
        {
            payloadType = 0;
            fmtp = null;
            if (value is null) return false;
            var space = value.IndexOf(' ');
            var ptText = space < 0 ? value : value[..space];
            if (!int.TryParse(ptText, NumberStyles.None, CultureInfo.InvariantCulture, out payloadType) || payloadType > 127) return false;
            var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (space > 0)
            {
                foreach (var item in value[(space + 1)..].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    var eq = item.IndexOf('=');
                    if (eq <= 0) parameters[item] = "";
                    else parameters[item[..eq].Trim()] = item[(eq + 1)..].Trim();
                    if (parameters.Count > 64) return false;
                }
            }
            fmtp = parameters;
            return true;
        }
    }
}
