namespace Appliance.Plugins.WebRtc.Protocol.Sdp;

/// <summary>One payload format of an m-section: rtpmap, fmtp parameters and rtcp-fb lines.</summary>
public sealed record SdpCodec(int PayloadType, string Name, int ClockRate, int Channels, IReadOnlyDictionary<string, string> Parameters, IReadOnlyList<string> Feedback)
{
    public string? Parameter(string name) => Parameters.TryGetValue(name, out var v) ? v : null;
}

/// <summary>One m-section of an offer, with the session-level ICE/DTLS attributes already folded in.</summary>
public sealed record SdpMediaSection(
    string Kind,
    int Port,
    string Protocol,
    string? Mid,
    string Direction,
    IReadOnlyList<SdpCodec> Codecs,
    bool RtcpMux);

/// <summary>The parts of a WebRTC offer (RFC 8829/8866) an answerer needs.</summary>
public sealed record SdpOffer(
    string IceUfrag,
    string IcePwd,
    string FingerprintAlgorithm,
    byte[] Fingerprint,
    string Setup,
    IReadOnlyList<SdpMediaSection> Media,
    IReadOnlyList<string> RemoteCandidates);
