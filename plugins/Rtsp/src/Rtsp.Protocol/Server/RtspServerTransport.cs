using Appliance.Abstractions;
using Appliance.Plugins.Rtsp.Protocol.Rtsp;

namespace Appliance.Plugins.Rtsp.Protocol.Server;

/// <summary>
/// Picks the first transport spec of a client's Transport header (RFC 2326 §12.39) this server supports:
/// RTP/AVP/TCP interleaved, or unicast RTP/AVP over UDP with client_port. Multicast and unknown profiles are
/// refused (461 Unsupported Transport).
/// </summary>
public static class RtspServerTransport
{
    public const int MaxHeaderLength = 1024;

    public static Result<RtspTransportHeader> Choose(string? header, bool allowUdp)
    {
        if (string.IsNullOrWhiteSpace(header)) return new Failure("malformed", "missing Transport header");
        if (header.Length > MaxHeaderLength) return new Failure("too-large", "Transport header too long");
        Failure? last = null;
        foreach (var spec in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Take(8))
        {
            var parsed = RtspTransportHeader.Parse(spec);
            if (!parsed.IsOk) { last = new Failure("unsupported", parsed.Failure!.Message); continue; }
            var t = parsed.Value!;
            if (!t.Unicast) { last = new Failure("unsupported", "multicast is not offered"); continue; }
            if (t.Tcp) return t;
            if (!allowUdp) { last = new Failure("unsupported", "UDP transport is disabled"); continue; }
            if (t.ClientPort is not { } ports || ports.First == 0 || ports.Second == 0)
            {
                last = new Failure("unsupported", "UDP transport without client_port");
                continue;
            }
            return t;
        }
        return last ?? new Failure("malformed", "empty Transport header");
    }
}
