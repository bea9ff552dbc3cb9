namespace Appliance.Plugins.Rtsp.Protocol.Rtsp;

/// <summary>Bounds on what a peer may send before the parser gives up with an error.</summary>
public sealed record RtspParserLimits(
    int MaxHeaderCount = 64,
    int MaxHeaderSectionBytes = 16 * 1024,
    int MaxLineBytes = 8 * 1024,
    int MaxContentLength = 256 * 1024)
{
    public static RtspParserLimits Default { get; } = new();
}
