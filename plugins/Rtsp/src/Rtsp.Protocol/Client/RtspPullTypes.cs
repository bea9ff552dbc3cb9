using System.Buffers;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Rtsp;
using Appliance.Plugins.Rtsp.Protocol.Sdp;

namespace Appliance.Plugins.Rtsp.Protocol.Client;

public enum RtspTransportMode { Tcp, Udp }

/// <summary>How to pull one stream.</summary>
public sealed record RtspPullOptions(string Url)
{
    public string? UserName { get; init; }
    public string? Password { get; init; }
    public RtspTransportMode Transport { get; init; } = RtspTransportMode.Tcp;
    public int? PortOverride { get; init; }

    /// <summary>Answer a Basic challenge on this unencrypted connection (the password travels in clear). Off by default:
    /// a camera that only offers Basic gets no password unless it is explicitly allowed.</summary>
    public bool AllowBasicAuth { get; init; }

    /// <summary>No RTP at all this long after PLAY ends the session as <see cref="RtspPullEnd.NoMediaAfterPlay"/>
    /// (a firewall dropping UDP); null: <see cref="MediaTimeout"/>.</summary>
    public TimeSpan? FirstMediaTimeout { get; init; }
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>No RTP at all for this long ends the session (a silent camera, a dropped route).</summary>
    public TimeSpan MediaTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan ReceiverReportInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Overrides the keep-alive period (default: session timeout / 2).</summary>
    public TimeSpan? KeepAliveInterval { get; init; }

    public RtspParserLimits Limits { get; init; } = RtspParserLimits.Default;
    /// <summary>Receive buffers, and the access units' buffers when <see cref="Units"/> is not set.</summary>
    public ArrayPool<byte> Pool { get; init; } = ArrayPool<byte>.Shared;

    /// <summary>Where access units come from and go back to (share one across sessions: a plugin instance's);
    /// default: a pool for this session over <see cref="Pool"/>.</summary>
    public AccessUnitPool? Units { get; init; }
    public TimeProvider Time { get; init; } = TimeProvider.System;
    public IRtpPortAllocator? UdpPorts { get; init; }

    /// <summary>Per track index: the timestamp the first unit should get (continues the timeline after a reconnect).</summary>
    public IReadOnlyDictionary<int, long>? StartTimestamps { get; init; }

    /// <summary>Marks the first unit of each track <see cref="AccessUnit.AfterGap"/>.</summary>
    public bool AfterGap { get; init; }

    public int ReorderWindow { get; init; } = 8;
}

/// <summary>What the session learnt when PLAY succeeded.</summary>
public sealed record RtspPullDescription(string Url, RtspTransportMode Transport, IReadOnlyList<SdpTrack> Tracks, IReadOnlyList<string> Notes, string SessionId, int SessionTimeoutSeconds, bool KeepAliveWithGetParameter);

/// <summary>Gets the media of a running session. Calls may come from several receive loops at once (UDP: one per track).</summary>
public interface IRtspPullObserver
{
    void OnPlaying(RtspPullDescription description);

    /// <summary>A finished unit; the observer takes over its reference.</summary>
    void OnAccessUnit(SdpTrack track, AccessUnit unit);

    /// <summary>In-band parameter sets differ from what was known (SDP or earlier in-band).</summary>
    void OnParametersChanged(SdpTrack track, IReadOnlyList<byte[]> parameters);
}

/// <summary>How a session ended. <see cref="TransportRefused"/>: SETUP of the first track refused (461 Unsupported
/// transport, another refusal, or an answer with the other transport); <see cref="NoMediaAfterPlay"/>: PLAY succeeded
/// but no RTP packet ever arrived (with UDP: a firewall in between). Both tell an automatic transport to try the other.</summary>
public enum RtspPullEnd { Stopped, InvalidUrl, ConnectFailed, Unauthorized, RequestFailed, ProtocolError, NoTracks, ConnectionLost, MediaTimeout, KeepAliveFailed, ServerEnded, TransportRefused, NoMediaAfterPlay }

/// <summary>How a session ended. <see cref="Message"/> is what an operator should read ("DESCRIBE: 401 Unauthorized");
/// <see cref="Status"/> is the RTSP status code of the refusal that ended it, when one did.</summary>
public sealed record RtspPullOutcome(RtspPullEnd End, string Message, bool Played, int? Status = null);

/// <summary>Counters of one track at a moment.</summary>
public sealed record RtpTrackSnapshot(
    int Track,
    MediaCodec Codec,
    long PacketsReceived,
    long PacketsLost,
    long Duplicates,
    long Late,
    long Reordered,
    long InvalidPackets,
    long MalformedPayloads,
    long DamagedUnitsDropped,
    long Units,
    long Keyframes,
    long Bytes,
    string? LastError,
    long ForeignSourceDatagrams = 0);
