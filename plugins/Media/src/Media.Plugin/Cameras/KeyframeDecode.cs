using System.Buffers;
using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Media.FFmpegInterop;
using Appliance.Plugins.Media.Protocol.Codecs;

namespace Appliance.Plugins.Media.Plugin.Cameras;

/// <summary>Decodes a hub unit, with the track's parameter sets (from the SDP or descriptor) ahead of every keyframe:
/// sources that send them only out of band still decode.</summary>
internal static class KeyframeDecode
{
    public static Result<int> Decode(VideoDecoder decoder, MediaTrack track, AccessUnit unit, FrameHandler onFrame)
    {
        var payload = unit.Payload.Span;
        if (!unit.IsKeyframe || track.Parameters.Count == 0) return decoder.Decode(payload, unit.Timestamp, onFrame);
        var parameters = AnnexB.Join(track.Parameters);
        var rented = ArrayPool<byte>.Shared.Rent(parameters.Length + payload.Length);
        try
        {
            parameters.CopyTo(rented, 0);
            payload.CopyTo(rented.AsSpan(parameters.Length));
            return decoder.Decode(rented.AsSpan(0, parameters.Length + payload.Length), unit.Timestamp, onFrame);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
