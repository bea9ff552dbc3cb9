namespace Appliance.Plugins.Rtsp.Protocol.Codecs;

/// <summary>What a sequence parameter set says about the picture: profile, level, size, frame rate if signalled.</summary>
public sealed record VideoParameters(string Codec, int Profile, int Level, int Width, int Height, double? FrameRate)
{
    public override string ToString() => $"{Codec} profile {Profile} level {Level} {Width}x{Height}";
}
