namespace Appliance.Plugins.WebRtc.Protocol.Sdp;

/// <summary>Bounds on an SDP offer from the network: anything past them is refused, not truncated.</summary>
public sealed record SdpLimits(int MaxBytes = 64 * 1024, int MaxLines = 4000, int MaxLineLength = 4096, int MaxMediaSections = 16, int MaxCodecsPerSection = 64)
{
    public static SdpLimits Default { get; } = new();
}
