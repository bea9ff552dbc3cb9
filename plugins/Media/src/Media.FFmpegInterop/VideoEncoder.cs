using System.Globalization;
using Appliance.Abstractions;
using Appliance.Plugins.Media.FFmpegInterop.Handles;
using Appliance.Plugins.Media.FFmpegInterop.Native;

namespace Appliance.Plugins.Media.FFmpegInterop;

/// <summary>How to open an encoder.</summary>
/// <param name="BitRate">Target bits per second (0: codec default / quality mode).</param>
/// <param name="GopSize">Frames between keyframes.</param>
/// <param name="Quality">Fixed quantiser (mjpeg: 2 best .. 31 worst), or null for rate control.</param>
/// <param name="Options">Codec private options (e.g. libx264 <c>preset</c>, <c>tune</c>).</param>
public sealed record EncoderSettings(
    int Width, int Height, int PixelFormat, int FrameRate,
    long BitRate = 0, int GopSize = 50, int MaxBFrames = 0, int Threads = 1, int? Quality = null,
    IReadOnlyDictionary<string, string>? Options = null);

/// <summary>Receives each packet an encoder produces; the span dies when the handler returns.</summary>
public delegate void PacketHandler(ReadOnlySpan<byte> data, long pts, bool keyframe);

/// <summary>
/// One FFmpeg video encoder (<c>mjpeg</c>, <c>libx264</c>, <c>h264_nvenc</c>, <c>h264_v4l2m2m</c>, ...). Frames in,
/// packets out through a <see cref="PacketHandler"/>. H.264 output is Annex-B with parameter sets in band.
/// Not thread-safe.
/// </summary>
public sealed unsafe class VideoEncoder : IDisposable
{
    /// <summary>FF_QP2LAMBDA: quantiser to lambda.</summary>
    private const int QpToLambda = 118;

    private readonly CodecContextHandle _context;
    private readonly PacketHandle _packet;
    private readonly int? _quality;

    private VideoEncoder(string name, CodecContextHandle context, EncoderSettings settings)
    {
        Name = name;
        Settings = settings;
        _context = context;
        _quality = settings.Quality;
        _packet = PacketHandle.Allocate();
    }

    public string Name { get; }

    public EncoderSettings Settings { get; }

    /// <summary>Opens encoder <paramref name="name"/>; fails with <c>unknown-codec</c> or <c>open-failed</c>.</summary>
    public static Result<VideoEncoder> Open(FFmpegRuntime runtime, string name, EncoderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(settings);
        var codec = LibAvCodec.avcodec_find_encoder_by_name(name);
        if (codec == null) return Result<VideoEncoder>.Fail("unknown-codec", $"this FFmpeg has no encoder named {name}");
        if (settings.Width <= 0 || settings.Height <= 0 || settings.FrameRate <= 0)
            return Result<VideoEncoder>.Fail("invalid-settings", $"{settings.Width}x{settings.Height} at {settings.FrameRate} fps");
        var context = new CodecContextHandle(LibAvCodec.avcodec_alloc_context3(codec));
        if (context.IsInvalid) return Result<VideoEncoder>.Fail("open-failed", $"avcodec_alloc_context3({name}) returned null");
        var ctx = context.Pointer;
        ctx->width = settings.Width;
        ctx->height = settings.Height;
        ctx->pix_fmt = settings.PixelFormat;
        ctx->time_base = new AVRational(1, settings.FrameRate);
        ctx->framerate = new AVRational(settings.FrameRate, 1);
        ctx->gop_size = settings.GopSize;
        ctx->max_b_frames = settings.MaxBFrames;
        ctx->thread_count = settings.Threads;
        if (settings.BitRate > 0) ctx->bit_rate = settings.BitRate;
        if (settings.Quality is { } q)
        {
            var qError = LibAvUtil.av_opt_set(ctx, "flags", "+qscale", 0);
            if (qError >= 0) qError = LibAvUtil.av_opt_set(ctx, "global_quality", (q * QpToLambda).ToString(CultureInfo.InvariantCulture), 0);
            if (qError < 0) return Fail(AvError.Fail("open-failed", "av_opt_set(qscale)", qError));
        }
        foreach (var (key, value) in settings.Options ?? new Dictionary<string, string>())
        {
            var optError = LibAvUtil.av_opt_set(ctx, key, value, LibAvUtil.AV_OPT_SEARCH_CHILDREN);
            if (optError < 0) return Fail(AvError.Fail("open-failed", $"{name}: option {key}={value}", optError));
        }
        var error = LibAvCodec.avcodec_open2(ctx, codec, null);
        if (error < 0) return Fail(AvError.Fail("open-failed", $"avcodec_open2({name})", error));
        return new VideoEncoder(name, context, settings);

        Result<VideoEncoder> Fail(Failure failure)
        {
            context.Dispose();
            return Result<VideoEncoder>.Fail(failure);
        }
    }

    /// <summary>Encodes <paramref name="frame"/> (which must have the opened size and format) as <paramref name="pts"/>;
    /// every packet that becomes ready goes to <paramref name="onPacket"/>. Returns the packet count.</summary>
    public Result<int> Encode(VideoFrameView frame, long pts, PacketHandler onPacket, bool forceKeyframe = false)
    {
        ArgumentNullException.ThrowIfNull(onPacket);
        if (frame.Width != Settings.Width || frame.Height != Settings.Height || frame.PixelFormat != Settings.PixelFormat)
            return Result<int>.Fail("geometry-changed",
                $"{Name} was opened for format {Settings.PixelFormat} {Settings.Width}x{Settings.Height}, got format {frame.PixelFormat} {frame.Width}x{frame.Height}");
        var f = frame.Frame;
        var savedPts = f->pts;
        var savedPictType = f->pict_type;
        var savedQuality = f->quality;
        f->pts = pts;
        f->pict_type = forceKeyframe ? 1 : 0; // AV_PICTURE_TYPE_I or NONE
        if (_quality is { } q) f->quality = q * QpToLambda;
        var error = LibAvCodec.avcodec_send_frame(_context.Pointer, f);
        f->pts = savedPts;
        f->pict_type = savedPictType;
        f->quality = savedQuality;
        if (error < 0) return Result<int>.Fail(AvError.Fail("encode-failed", $"{Name}: avcodec_send_frame", error));
        return Drain(onPacket);
    }

    /// <summary>Ends the stream and hands out the packets still inside the encoder. The encoder is finished after this.</summary>
    public Result<int> Flush(PacketHandler onPacket)
    {
        var error = LibAvCodec.avcodec_send_frame(_context.Pointer, null);
        if (error < 0 && error != AvConstants.AVERROR_EOF) return Result<int>.Fail(AvError.Fail("encode-failed", "flush", error));
        return Drain(onPacket);
    }

    private Result<int> Drain(PacketHandler onPacket)
    {
        var count = 0;
        while (true)
        {
            var packet = _packet.Pointer;
            var error = LibAvCodec.avcodec_receive_packet(_context.Pointer, packet);
            if (error == AvConstants.AVERROR_EAGAIN || error == AvConstants.AVERROR_EOF) return count;
            if (error < 0) return Result<int>.Fail(AvError.Fail("encode-failed", $"{Name}: avcodec_receive_packet", error));
            try
            {
                count++;
                onPacket(new ReadOnlySpan<byte>(packet->data, packet->size), packet->pts, (packet->flags & AvConstants.AV_PKT_FLAG_KEY) != 0);
            }
            finally
            {
                LibAvCodec.av_packet_unref(packet);
            }
        }
    }

    public void Dispose()
    {
        _packet.Dispose();
        _context.Dispose();
    }
}
