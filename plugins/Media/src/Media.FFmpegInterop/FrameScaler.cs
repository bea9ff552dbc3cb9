using Appliance.Abstractions;
using Appliance.Plugins.Media.FFmpegInterop.Handles;
using Appliance.Plugins.Media.FFmpegInterop.Native;

namespace Appliance.Plugins.Media.FFmpegInterop;

/// <summary>
/// Converts frames of one size and pixel format to another (libswscale) into a frame it owns. The source
/// geometry is fixed at open; a stream whose size changes needs a new scaler (<see cref="Matches"/>).
/// </summary>
public sealed unsafe class FrameScaler : IDisposable
{
    private readonly ScalerHandle _scaler;
    private readonly FrameHandle _output;

    private FrameScaler(ScalerHandle scaler, FrameHandle output, int sourceWidth, int sourceHeight, int sourceFormat)
    {
        _scaler = scaler;
        _output = output;
        SourceWidth = sourceWidth;
        SourceHeight = sourceHeight;
        SourceFormat = sourceFormat;
    }

    public int SourceWidth { get; }
    public int SourceHeight { get; }
    public int SourceFormat { get; }
    public int Width => _output.Pointer->width;
    public int Height => _output.Pointer->height;
    public int Format => _output.Pointer->format;

    /// <summary>Opens a scaler; fails with <c>invalid-size</c> or <c>open-failed</c>.</summary>
    public static Result<FrameScaler> Open(FFmpegRuntime runtime, int sourceWidth, int sourceHeight, int sourceFormat,
        int width, int height, int format, int flags = AvConstants.SWS_BILINEAR)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        if (sourceWidth <= 0 || sourceHeight <= 0 || width <= 0 || height <= 0 || width > 16384 || height > 16384)
            return Result<FrameScaler>.Fail("invalid-size", $"cannot scale {sourceWidth}x{sourceHeight} to {width}x{height}");
        var scaler = new ScalerHandle(LibSwScale.sws_getContext(sourceWidth, sourceHeight, sourceFormat, width, height, format, flags,
            IntPtr.Zero, IntPtr.Zero, IntPtr.Zero));
        if (scaler.IsInvalid)
            return Result<FrameScaler>.Fail("open-failed", $"sws_getContext refused format {sourceFormat} {sourceWidth}x{sourceHeight} -> format {format} {width}x{height}");
        var output = FrameHandle.Allocate();
        output.Pointer->width = width;
        output.Pointer->height = height;
        output.Pointer->format = format;
        var error = LibAvUtil.av_frame_get_buffer(output.Pointer, 0);
        if (error < 0)
        {
            scaler.Dispose();
            output.Dispose();
            return Result<FrameScaler>.Fail(AvError.Fail("open-failed", "av_frame_get_buffer", error));
        }
        return new FrameScaler(scaler, output, sourceWidth, sourceHeight, sourceFormat);
    }

    /// <summary>True if <paramref name="frame"/> has the geometry and format this scaler was opened for.</summary>
    public bool Matches(VideoFrameView frame) =>
        frame.Width == SourceWidth && frame.Height == SourceHeight && frame.PixelFormat == SourceFormat;

    /// <summary>Scales <paramref name="source"/>; the result is valid until the next call.</summary>
    public Result<VideoFrameView> Scale(VideoFrameView source)
    {
        if (!Matches(source))
            return Result<VideoFrameView>.Fail("geometry-changed",
                $"frame is format {source.PixelFormat} {source.Width}x{source.Height}, scaler expects format {SourceFormat} {SourceWidth}x{SourceHeight}");
        var output = _output.Pointer;
        var error = LibAvUtil.av_frame_make_writable(output);
        if (error < 0) return Result<VideoFrameView>.Fail(AvError.Fail("scale-failed", "av_frame_make_writable", error));
        var src = source.Frame;
        var rows = LibSwScale.sws_scale(_scaler.Pointer, (byte**)&src->data[0], src->linesize, 0, SourceHeight,
            (byte**)&output->data[0], output->linesize);
        if (rows <= 0) return Result<VideoFrameView>.Fail(AvError.Fail("scale-failed", "sws_scale", rows));
        output->pts = source.Pts;
        output->key_frame = source.IsKeyframe ? 1 : 0;
        return new VideoFrameView(output);
    }

    public void Dispose()
    {
        _scaler.Dispose();
        _output.Dispose();
    }
}
