namespace Appliance.Abstractions.Media;

public enum MediaCodec { H264, H265, Aac, Pcmu, Pcma, Other }

/// <summary>One track of a stream: codec, RTP clock rate, and what a decoder needs to start.</summary>
public sealed record MediaTrack(
    int Index,
    MediaCodec Codec,
    int ClockRate,
    string? CodecName,
    /// <summary>Parameter sets (H.264: SPS, PPS; H.265: VPS, SPS, PPS) as Annex-B-free NAL units, or the AAC AudioSpecificConfig.</summary>
    IReadOnlyList<byte[]> Parameters,
    int? Channels = null);

/// <summary>A named stream, e.g. <c>camera/lobby</c>.</summary>
public sealed record StreamDescriptor(string Name, IReadOnlyList<MediaTrack> Tracks);
