using System.Globalization;

namespace Appliance.Plugins.WebRtc.Protocol.Turn;

/// <summary>What a configured ICE server is used for: STUN (server-reflexive candidates) or TURN (relayed candidates).</summary>
public enum IceServerKind { Stun, Turn }

/// <summary>How the appliance talks to a TURN server (RFC 8656 section 3.1): UDP, TCP, or TLS over TCP (usually 443).</summary>
public enum TurnTransport { Udp, Tcp, Tls }

/// <summary>
/// One configured ICE server, the appliance's own counterpart of a browser's <c>RTCIceServer</c>: where it is
/// (host, port, transport also make the plugin's outbound footprint), and for TURN the long-term credential.
/// <see cref="CertificateSha256"/> pins a TLS server's certificate (hex SHA-256) instead of the system's trust.
/// </summary>
public sealed record IceServer(
    IceServerKind Kind,
    string Host,
    int Port,
    TurnTransport Transport,
    string? Username = null,
    string? Credential = null,
    string? CertificateSha256 = null)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{(Kind == IceServerKind.Stun ? "stun" : Transport == TurnTransport.Tls ? "turns" : "turn")}:{Host}:{Port}?transport={(Transport == TurnTransport.Udp ? "udp" : "tcp")}");
}
