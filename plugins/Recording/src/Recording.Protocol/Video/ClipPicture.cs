using Appliance.Abstractions;
using Appliance.Plugins.Recording.Protocol.Ts;
using Appliance.Plugins.Rtsp.Protocol.Codecs;

namespace Appliance.Plugins.Recording.Protocol.Video;

/// <summary>What a recorded stream's first keyframe says: codec, picture size and its parameter sets (no start codes).</summary>
public sealed record ClipPicture(VideoCodec Codec, int Width, int Height, IReadOnlyList<byte[]> ParameterSets)
{
    /// <summary>Reads the first keyframe of a transport stream of the recorder's layout. Failure: <c>malformed</c>.</summary>
    public static Result<ClipPicture> Read(Stream input)
    {
        var reader = new TsAccessUnitReader(input, wholeFramesOnly: true);
        while (reader.TryRead(out var unit))
        {
            if (!unit.Keyframe || reader.Codec is not { } codec) continue;
            var parameters = new List<byte[]>();
            VideoParameters? picture = null;
            foreach (var (offset, length) in NalUnits.Find(unit.AnnexB))
            {
                if (length == 0) continue;
                var type = NalUnits.Type(codec, unit.AnnexB[offset]);
                if (!NalUnits.IsParameterSet(codec, type)) continue;
                var nal = unit.AnnexB.AsSpan(offset, length);
                parameters.Add(nal.ToArray());
                if (codec == VideoCodec.H264 ? type == 7 : type == 33)
                    picture ??= codec == VideoCodec.H264 ? H264Sps.TryParse(nal) : H265Sps.TryParse(nal);
            }
            return picture is null
                ? new Failure("malformed", "the first keyframe carries no readable SPS")
                : new ClipPicture(codec, picture.Width, picture.Height, parameters);
        }
        return new Failure("malformed", reader.Problem ?? "no keyframe in the stream");
    }
}
