using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Sdp;

namespace Appliance.Plugins.Rtsp.Protocol.Depacketizers;

public static class DepacketizerFactory
{
    /// <summary>A depacketizer for an SDP track, or an error saying why there is none.</summary>
    public static (RtpDepacketizer? Depacketizer, string? Error) Create(SdpTrack track, AccessUnitPool units, IAccessUnitSink sink)
    {
        switch (track.Codec)
        {
            case MediaCodec.H264:
                if (track.Fmtp.TryGetValue("packetization-mode", out var mode) && mode.Trim() == "2")
                    return (null, "H.264 packetization-mode 2 (interleaved) is not supported");
                return (new H264Depacketizer(track.Index, units, sink, track.Parameters), null);
            case MediaCodec.H265:
                var donl = track.Fmtp.TryGetValue("sprop-max-don-diff", out var don) && int.TryParse(don, out var d) && d > 0;
                return (new H265Depacketizer(track.Index, units, sink, track.Parameters, donl), null);
            case MediaCodec.Aac:
                var (aac, error) = AacDepacketizer.FromFmtp(track.Index, units, sink, track.Fmtp);
                return (aac, error);
            case MediaCodec.Pcmu:
            case MediaCodec.Pcma:
                return (new G711Depacketizer(track.Index, units, sink), null);
            default:
                return (null, $"no depacketizer for {track.CodecName}");
        }
    }
}
