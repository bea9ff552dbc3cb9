using Appliance.Plugins.Rtsp.Protocol.Client;

namespace Appliance.Plugins.Rtsp.Protocol.Probing;

/// <summary>
/// What a probe proved about a stream: it played, and a keyframe of its video arrived. <see cref="Codec"/> is the
/// SDP's encoding name (H264, H265); size from the sequence parameter set; <see cref="Fps"/> from the SPS timing
/// information when the camera signals it, else measured from the RTP timestamps of the frames after the keyframe
/// (null when too few arrived in time). <see cref="Audio"/> is the audio track's encoding name, if one was set up.
/// </summary>
public sealed record StreamFacts(
    string Codec,
    int Width,
    int Height,
    double? Fps,
    int? Profile,
    int? Level,
    RtspTransportMode Transport,
    string? Audio)
{
    public string Resolution => $"{Width}x{Height}";
}

/// <summary>
/// Why a probe failed: the failure code of its <see cref="Appliance.Abstractions.Result{T}"/>. The message says what
/// step answered what (e.g. <c>DESCRIBE: 404 Not Found</c>), as ingest would report it.
/// </summary>
public static class StreamProbeFailure
{
    /// <summary>The camera asked for credentials (401) and the ones given, if any, were not accepted.</summary>
    public const string Auth = "auth";

    /// <summary>The camera answered 503 Service Unavailable to every try within the probe's time: busy (too many
    /// clients) or its stream not ready.</summary>
    public const string Busy = "busy";

    /// <summary>DESCRIBE failed (404 and any other refusal but 503): no stream at this path.</summary>
    public const string Path = "path";

    /// <summary>SETUP or PLAY refused, or the transport asked for not available.</summary>
    public const string Transport = "transport";

    /// <summary>No video track the appliance can use (H.264, H.265), or its parameter sets do not parse.</summary>
    public const string Codec = "codec";

    /// <summary>The stream played, but no keyframe arrived within the probe's time.</summary>
    public const string NoKeyframe = "no-keyframe";

    /// <summary>Nothing answered, or what answered is not an RTSP camera (garbage, a cut answer, an oversized one).</summary>
    public const string Unreachable = "unreachable";

    /// <summary>The URL is not an rtsp:// URL the client can use.</summary>
    public const string InvalidUrl = "invalid-url";
}
