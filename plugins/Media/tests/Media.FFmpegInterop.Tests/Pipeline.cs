using Appliance.Plugins.Media.FFmpegInterop.Native;
using Xunit;

namespace Appliance.Plugins.Media.FFmpegInterop.Tests;

/// <summary>Small helpers that chain the binding's objects the way the plugin does.</summary>
internal static class Pipeline
{
    public static VideoDecoder OpenDecoder(FFmpegRuntime runtime, string name, DecoderOptions? options = null)
    {
        var decoder = VideoDecoder.Open(runtime, name, options ?? new DecoderOptions());
        Assert.True(decoder.IsOk, decoder.ToString());
        return decoder.Value;
    }

    /// <summary>Decodes every unit; returns the frames' sizes and the failures.</summary>
    public static (List<(int Width, int Height)> Frames, List<string> Errors) DecodeAll(VideoDecoder decoder, IEnumerable<ReadOnlyMemory<byte>> units, FrameHandler? also = null)
    {
        var frames = new List<(int, int)>();
        var errors = new List<string>();
        long pts = 0;
        void OnFrame(VideoFrameView f)
        {
            frames.Add((f.Width, f.Height));
            also?.Invoke(f);
        }
        foreach (var unit in units)
        {
            var result = decoder.Decode(unit.Span, pts++, OnFrame);
            if (!result.IsOk) errors.Add(result.Failure!.ToString());
        }
        var flushed = decoder.Flush(OnFrame);
        if (!flushed.IsOk) errors.Add(flushed.Failure!.ToString());
        return (frames, errors);
    }

    /// <summary>Encodes one frame as a JPEG (mjpeg, yuvj420p) through a scaler.</summary>
    public static byte[] Jpeg(FFmpegRuntime runtime, VideoFrameView frame)
    {
        using var scaler = FrameScaler.Open(runtime, frame.Width, frame.Height, frame.PixelFormat, frame.Width, frame.Height, AvConstants.AV_PIX_FMT_YUVJ420P).Value;
        using var encoder = VideoEncoder.Open(runtime, "mjpeg", new EncoderSettings(frame.Width, frame.Height, AvConstants.AV_PIX_FMT_YUVJ420P, 25, Quality: 4)).Value;
        var scaled = scaler.Scale(frame);
        Assert.True(scaled.IsOk, scaled.ToString());
        byte[]? jpeg = null;
        var encoded = encoder.Encode(scaled.Value, 0, (data, _, _) => jpeg = data.ToArray());
        Assert.True(encoded.IsOk, encoded.ToString());
        Assert.NotNull(jpeg);
        return jpeg!;
    }
}
