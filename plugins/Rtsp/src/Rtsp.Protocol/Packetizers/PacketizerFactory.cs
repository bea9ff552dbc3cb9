using Appliance.Abstractions.Media;

namespace Appliance.Plugins.Rtsp.Protocol.Packetizers;

/// <summary>The packetizer of a hub track, or null when this server cannot send that codec.</summary>
public static class PacketizerFactory
{
    /// <summary>The RTP payload type a track is offered with: static 0/8 for G.711, dynamic 96+index otherwise.</summary>
    public static byte PayloadTypeOf(MediaTrack track) => track.Codec switch
    {
        MediaCodec.Pcmu => 0,
        MediaCodec.Pcma => 8,
        _ => (byte)(96 + Math.Clamp(track.Index, 0, 31)),
    };

    public static bool CanSend(MediaTrack track) => track.Codec is MediaCodec.H264 or MediaCodec.H265 or MediaCodec.Aac or MediaCodec.Pcmu or MediaCodec.Pcma;

    public static RtpPacketizer? Create(MediaTrack track, uint ssrc, ushort firstSequence, int maxPacketSize = 1400)
    {
        var pt = PayloadTypeOf(track);
        return track.Codec switch
        {
            MediaCodec.H264 => new H264Packetizer(pt, ssrc, firstSequence, maxPacketSize),
            MediaCodec.H265 => new H265Packetizer(pt, ssrc, firstSequence, maxPacketSize),
            MediaCodec.Aac => new AacPacketizer(pt, ssrc, firstSequence, maxPacketSize),
            MediaCodec.Pcmu or MediaCodec.Pcma => new G711Packetizer(pt, ssrc, firstSequence, maxPacketSize),
            _ => null,
        };
    }
}
