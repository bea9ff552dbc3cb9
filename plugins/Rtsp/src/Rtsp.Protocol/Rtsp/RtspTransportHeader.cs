using Appliance.Abstractions;
using System.Globalization;
using System.Text;

namespace Appliance.Plugins.Rtsp.Protocol.Rtsp;

/// <summary>A pair of ports or channels, "a-b" (RFC 2326 §12.39).</summary>
public readonly record struct RtspPortPair(int First, int Second)
{
    public override string ToString() => $"{First.ToString(CultureInfo.InvariantCulture)}-{Second.ToString(CultureInfo.InvariantCulture)}";

    internal static bool TryParse(string text, int max, out RtspPortPair pair)
    {
        pair = default;
        var dash = text.IndexOf('-');
        var a = dash < 0 ? text : text[..dash];
        var b = dash < 0 ? null : text[(dash + 1)..];
        if (!int.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var first) || first > max) return false;
        var second = first + 1;
        if (b is not null && (!int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out second) || second > max)) return false;
        pair = new RtspPortPair(first, second);
        return true;
    }
}

/// <summary>The Transport header (RFC 2326 §12.39): RTP/AVP over UDP (client_port/server_port) or TCP (interleaved).</summary>
public sealed record RtspTransportHeader(
    bool Tcp,
    bool Unicast = true,
    RtspPortPair? Interleaved = null,
    RtspPortPair? ClientPort = null,
    RtspPortPair? ServerPort = null,
    uint? Ssrc = null,
    string? Source = null)
{
    public override string ToString()
    {
        var sb = new StringBuilder(Tcp ? "RTP/AVP/TCP" : "RTP/AVP");
        sb.Append(Unicast ? ";unicast" : ";multicast");
        if (Interleaved is { } i) sb.Append(";interleaved=").Append(i);
        if (ClientPort is { } c) sb.Append(";client_port=").Append(c);
        if (ServerPort is { } s) sb.Append(";server_port=").Append(s);
        return sb.ToString();
    }

    /// <summary>Parses the first transport spec of a (server's) Transport header.</summary>
    public static Result<RtspTransportHeader> Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return Result<RtspTransportHeader>.Fail("malformed", "missing Transport header");
        if (value.Length > 1024) return Result<RtspTransportHeader>.Fail("too-large", "Transport header longer than 1024 characters");
        var spec = value.Split(',')[0];
        var parts = spec.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return Result<RtspTransportHeader>.Fail("malformed", "empty Transport header");
        var protocol = parts[0].ToUpperInvariant();
        bool tcp;
        if (protocol is "RTP/AVP" or "RTP/AVP/UDP") tcp = false;
        else if (protocol == "RTP/AVP/TCP") tcp = true;
        else return Result<RtspTransportHeader>.Fail("malformed", $"unsupported transport protocol '{parts[0]}'");
        var header = new RtspTransportHeader(tcp);
        foreach (var part in parts.Skip(1))
        {
            var eq = part.IndexOf('=');
            var name = (eq < 0 ? part : part[..eq]).ToLowerInvariant();
            var arg = eq < 0 ? "" : part[(eq + 1)..].Trim('"');
            switch (name)
            {
                case "unicast": header = header with { Unicast = true }; break;
                case "multicast": header = header with { Unicast = false }; break;
                case "interleaved":
                    if (!RtspPortPair.TryParse(arg, 255, out var channels)) return Result<RtspTransportHeader>.Fail("malformed", $"invalid interleaved '{arg}'");
                    header = header with { Interleaved = channels };
                    break;
                case "client_port":
                    if (!RtspPortPair.TryParse(arg, 65535, out var cp)) return Result<RtspTransportHeader>.Fail("malformed", $"invalid client_port '{arg}'");
                    header = header with { ClientPort = cp };
                    break;
                case "server_port":
                    if (!RtspPortPair.TryParse(arg, 65535, out var sp)) return Result<RtspTransportHeader>.Fail("malformed", $"invalid server_port '{arg}'");
                    header = header with { ServerPort = sp };
                    break;
                case "ssrc":
                    if (uint.TryParse(arg, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var ssrc)) header = header with { Ssrc = ssrc };
                    break;
                case "source": header = header with { Source = arg }; break;
            }
        }
        return Result<RtspTransportHeader>.Ok(header);
    }
}
