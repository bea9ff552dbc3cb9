using Appliance.Abstractions;
using Appliance.Plugins.Media.FFmpegInterop;
using Appliance.Plugins.Media.FFmpegInterop.Native;

namespace Appliance.Plugins.Media.Plugin.Cameras;

/// <summary>
/// Encodes frames as JPEG (the chosen JPEG encoder, full-range 4:2:0), keeping its scaler and encoder while the
/// frame geometry stays the same. Thread-safe (one encode at a time).
/// </summary>
internal sealed class JpegMaker(FFmpegRuntime runtime, string encoderName, int quality) : IDisposable
{
    private readonly object _gate = new();
    private FrameScaler? _scaler;
    private VideoEncoder? _encoder;
    private long _pts; // mpegvideo encoders refuse a pts that does not increase

    public Result<byte[]> Encode(VideoFrameView frame)
    {
        lock (_gate)
        {
            if (_scaler is null || !_scaler.Matches(frame))
            {
                DisposeCodecs();
                var scaler = FrameScaler.Open(runtime, frame.Width, frame.Height, frame.PixelFormat, frame.Width, frame.Height, AvConstants.AV_PIX_FMT_YUVJ420P);
                if (!scaler.IsOk) return Result<byte[]>.Fail(scaler.Failure!);
                var encoder = VideoEncoder.Open(runtime, encoderName, new EncoderSettings(frame.Width, frame.Height, AvConstants.AV_PIX_FMT_YUVJ420P, 25, Quality: quality));
                if (!encoder.IsOk)
                {
                    scaler.Value.Dispose();
                    return Result<byte[]>.Fail(encoder.Failure!);
                }
                (_scaler, _encoder) = (scaler.Value, encoder.Value);
            }
            var scaled = _scaler.Scale(frame);
            if (!scaled.IsOk) return Result<byte[]>.Fail(scaled.Failure!);
            byte[]? jpeg = null;
            var encoded = _encoder!.Encode(scaled.Value, _pts++, (data, _, _) => jpeg = data.ToArray());
            if (!encoded.IsOk) return Result<byte[]>.Fail(encoded.Failure!);
            return jpeg is null ? Result<byte[]>.Fail("encode-failed", "the JPEG encoder produced no picture") : jpeg;
        }
    }

    private void DisposeCodecs()
    {
        _scaler?.Dispose();
        _encoder?.Dispose();
        _scaler = null;
        _encoder = null;
    }

    public void Dispose()
    {
        lock (_gate) DisposeCodecs();
    }
}
