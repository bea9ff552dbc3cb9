using Appliance.Abstractions;
using Appliance.Abstractions.Media;
using Appliance.Plugins.Rtsp.Protocol.Sdp;

namespace Appliance.Plugins.Rtsp.Protocol.Depacketizers;

public static class DepacketizerFactory
{
    /// <summary>A depacketizer for an SDP track, or an error saying why there is none.</summary>
    public static Result<RtpDepacketizer> Create(SdpTrack track, AccessUnitPool units, IAccessUnitSink sink)
    {
        switch (track.Codec)
        {
            case MediaCodec.H264:
                if (track.Fmtp.TryGetValue("packetization-mode", out var mode) && mode.Trim() == "2")
                    return Result<RtpDepacketizer>.Fail("unsupported", "H.264 packetization-mode 2 (interleaved) is not supported");
                return new H264Depacketizer(track.Index, units, sink, track.Parameters);
            case MediaCodec.H265:
                var donl = track.Fmtp.TryGetValue("sprop-max-don-diff", out var don) && int.TryParse(don, out var d) && d > 0;
                return new H265Depacketizer(track.Index, units, sink, track.Parameters, donl);
            case MediaCodec.Aac:
                return AacDepacketizer.FromFmtp(track.Index, units, sink, track.Fmtp).Map(RtpDepacketizer (aac) => aac);
            case MediaCodec.Pcmu:
            case MediaCodec.Pcma:
                return new G711Depacketizer(track.Index, units, sink);
            default:
                return Result<RtpDepacketizer>.Fail("unsupported", $"no depacketizer for {track.CodecName}");
        }
    }
}
