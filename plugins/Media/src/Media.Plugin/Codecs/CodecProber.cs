using Appliance.Plugins.Media.FFmpegInterop;
using Appliance.Plugins.Media.FFmpegInterop.Native;
using Appliance.Plugins.Media.Protocol.Codecs;

namespace Appliance.Plugins.Media.Plugin.Codecs;

/// <summary>
/// Finds out which candidates really work here by opening each one (a decoder with its device, an encoder at
/// 640x360): a name in the FFmpeg build is not enough, a hardware codec also needs its device and driver.
/// </summary>
internal static class CodecProber
{
    public static IReadOnlyList<ProbeOutcome> Probe(FFmpegRuntime runtime, IEnumerable<CodecCandidate> candidates) =>
        candidates.Select(c => ProbeOne(runtime, c)).ToArray();

    public static ProbeOutcome ProbeOne(FFmpegRuntime runtime, CodecCandidate candidate)
    {
        if (candidate.Direction == CodecDirection.Decode)
        {
            var decoder = VideoDecoder.Open(runtime, candidate.FFmpegName, DecoderOptionsFor(candidate, 1, 1920L * 1080));
            if (!decoder.IsOk) return new ProbeOutcome(candidate, false, decoder.Failure!.Message);
            decoder.Value.Dispose();
            return new ProbeOutcome(candidate, true);
        }
        var format = candidate.Format == VideoFormat.Jpeg ? AvConstants.AV_PIX_FMT_YUVJ420P : AvConstants.AV_PIX_FMT_YUV420P;
        // libx265 prints its banner on stderr whatever FFmpeg's log level is: ask it to be quiet.
        var options = candidate.FFmpegName == "libx265" ? new Dictionary<string, string> { ["x265-params"] = "log-level=none" } : null;
        var encoder = VideoEncoder.Open(runtime, candidate.FFmpegName, new EncoderSettings(640, 360, format, 25, BitRate: 500_000, Options: options));
        if (!encoder.IsOk) return new ProbeOutcome(candidate, false, encoder.Failure!.Message);
        encoder.Value.Dispose();
        return new ProbeOutcome(candidate, true);
    }

    /// <summary>Decoder options for a candidate (its hardware device, if any).</summary>
    public static DecoderOptions DecoderOptionsFor(CodecCandidate candidate, int threads, long maxPixels) =>
        new(threads, maxPixels, candidate.HardwareDevice switch
        {
            "vaapi" => AvConstants.AV_HWDEVICE_TYPE_VAAPI,
            "cuda" => AvConstants.AV_HWDEVICE_TYPE_CUDA,
            _ => null,
        });
}
