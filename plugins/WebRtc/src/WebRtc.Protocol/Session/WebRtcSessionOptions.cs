using System.Net;
using Appliance.Plugins.WebRtc.Protocol.Dtls;
using Appliance.Plugins.WebRtc.Protocol.Sdp;
using Appliance.Plugins.WebRtc.Protocol.Srtp;

namespace Appliance.Plugins.WebRtc.Protocol.Session;

/// <summary>What every session of one WHEP service shares.</summary>
public sealed record WebRtcSessionOptions(DtlsCertificate Certificate)
{
    /// <summary>
    /// Address the media socket binds. Null: the host address when there is exactly one, else all interfaces. A
    /// socket bound to one address answers from that address, which ICE needs: a reply from another source
    /// address than the candidate's does not match the pair the viewer checked.
    /// </summary>
    public IPAddress? BindAddress { get; init; }

    internal IPAddress EffectiveBindAddress => BindAddress ?? (HostAddresses.Count == 1 ? HostAddresses[0] : IPAddress.Any);

    /// <summary>Addresses announced as host candidates (the interfaces of the zones allowed to watch).</summary>
    public IReadOnlyList<IPAddress> HostAddresses { get; init; } = [IPAddress.Loopback];

    /// <summary>A configured public address announced for Direct Connect (port forwarded to the same port), or null.</summary>
    public IPAddress? PublicAddress { get; init; }

    public UdpPortRange Ports { get; init; } = UdpPortRange.Any;

    /// <summary>STUN servers (server-reflexive candidates) and TURN servers (relayed candidates) gathered for every session; empty: host candidates only.</summary>
    public IReadOnlyList<Turn.IceServer> IceServers { get; init; } = [];

    /// <summary>How long one ICE server may take to answer while a session gathers (per request; UDP retransmits within it).</summary>
    public TimeSpan GatherTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Binds one UDP port (the plugin passes the host's declared-socket factory); null binds directly.</summary>
    public Func<IPAddress, int, System.Net.Sockets.Socket>? BindUdp { get; init; }

    /// <summary>SRTP profiles in order of preference.</summary>
    public IReadOnlyList<SrtpProfile> SrtpProfiles { get; init; } = [SrtpProfile.AeadAes128Gcm, SrtpProfile.AesCm128HmacSha1_80];

    /// <summary>No valid ICE check from the selected path for this long ends the session (RFC 7675 uses 30 s).</summary>
    public TimeSpan ConsentTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A session not connected (ICE + DTLS) within this time ends.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan SenderReportInterval { get; init; } = TimeSpan.FromSeconds(1);

    public SdpLimits SdpLimits { get; init; } = SdpLimits.Default;

    public int MaxRtpPayload { get; init; } = 1160;

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
