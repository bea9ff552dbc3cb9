using Appliance.Abstractions;
using Appliance.Plugins.Media.FFmpegInterop.Handles;
using Appliance.Plugins.Media.FFmpegInterop.Native;

namespace Appliance.Plugins.Media.FFmpegInterop;

/// <summary>How to open a decoder.</summary>
/// <param name="Threads">Decoder threads (0: FFmpeg picks one per core).</param>
/// <param name="MaxPixels">Frames larger than this (width x height) are refused before FFmpeg allocates them:
/// a stream that claims 8K on a board sized for 1080p is an error of that stream, not an out-of-memory.</param>
/// <param name="HardwareDevice">An <c>AVHWDeviceType</c> to decode on (VAAPI, CUDA), or null for none.</param>
public sealed record DecoderOptions(int Threads = 1, long MaxPixels = 3840L * 2160, int? HardwareDevice = null);

/// <summary>
/// One FFmpeg video decoder (any name <c>avcodec_find_decoder_by_name</c> knows: <c>h264</c>, <c>hevc</c>,
/// <c>h264_cuvid</c>, <c>h264_v4l2m2m</c>, ...). Feed it Annex-B access units; decoded frames come out through a
/// <see cref="FrameHandler"/>. Corrupt input is a <see cref="Failure"/> of this stream, never an exception.
/// Not thread-safe: one caller at a time.
/// </summary>
public sealed unsafe class VideoDecoder : IDisposable
{
    private readonly CodecContextHandle _context;
    private readonly PacketHandle _packet;
    private readonly FrameHandle _frame;
    private readonly FrameHandle _transfer;
    private readonly BufferRefHandle? _device;

    private VideoDecoder(string name, CodecContextHandle context, BufferRefHandle? device)
    {
        Name = name;
        _context = context;
        _device = device;
        _packet = PacketHandle.Allocate();
        _frame = FrameHandle.Allocate();
        _transfer = FrameHandle.Allocate();
    }

    public string Name { get; }

    /// <summary>Opens decoder <paramref name="name"/>; fails with <c>unknown-codec</c> or <c>open-failed</c>.</summary>
    public static Result<VideoDecoder> Open(FFmpegRuntime runtime, string name, DecoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var codec = LibAvCodec.avcodec_find_decoder_by_name(name);
        if (codec == null) return Result<VideoDecoder>.Fail("unknown-codec", $"this FFmpeg has no decoder named {name}");
        var context = new CodecContextHandle(LibAvCodec.avcodec_alloc_context3(codec));
        if (context.IsInvalid) return Result<VideoDecoder>.Fail("open-failed", $"avcodec_alloc_context3({name}) returned null");
        BufferRefHandle? device = null;
        try
        {
            var ctx = context.Pointer;
            ctx->thread_count = options.Threads;
            ctx->thread_type = AvConstants.FF_THREAD_FRAME | AvConstants.FF_THREAD_SLICE;
            var error = LibAvUtil.av_opt_set(ctx, "max_pixels", options.MaxPixels.ToString(System.Globalization.CultureInfo.InvariantCulture), 0);
            if (error < 0) return Cleanup(AvError.Fail("open-failed", "av_opt_set(max_pixels)", error));
            if (options.HardwareDevice is { } type)
            {
                IntPtr created;
                error = LibAvUtil.av_hwdevice_ctx_create(&created, type, null, IntPtr.Zero, 0);
                if (error < 0) return Cleanup(AvError.Fail("open-failed", $"av_hwdevice_ctx_create(type {type})", error));
                device = new BufferRefHandle(created);
                ctx->hw_device_ctx = LibAvUtil.av_buffer_ref(created);
            }
            error = LibAvCodec.avcodec_open2(ctx, codec, null);
            if (error < 0) return Cleanup(AvError.Fail("open-failed", $"avcodec_open2({name})", error));
            return new VideoDecoder(name, context, device);
        }
        catch
        {
            context.Dispose();
            device?.Dispose();
            throw;
        }

        Result<VideoDecoder> Cleanup(Failure failure)
        {
            context.Dispose();
            device?.Dispose();
            return Result<VideoDecoder>.Fail(failure);
        }
    }

    /// <summary>
    /// Decodes one access unit (Annex-B) stamped <paramref name="pts"/> and hands every frame that becomes ready to
    /// <paramref name="onFrame"/>. Returns the number of frames produced, or <c>corrupt</c> with FFmpeg's reason.
    /// After a failure the decoder stays usable: the next keyframe recovers.
    /// </summary>
    public Result<int> Decode(ReadOnlySpan<byte> accessUnit, long pts, FrameHandler onFrame)
    {
        ArgumentNullException.ThrowIfNull(onFrame);
        if (accessUnit.IsEmpty) return 0;
        var packet = _packet.Pointer;
        var error = LibAvCodec.av_new_packet(packet, accessUnit.Length);
        if (error < 0) return Result<int>.Fail(AvError.Fail("corrupt", "av_new_packet", error));
        accessUnit.CopyTo(new Span<byte>(packet->data, accessUnit.Length));
        packet->pts = pts;
        packet->dts = pts;
        error = LibAvCodec.avcodec_send_packet(_context.Pointer, packet);
        LibAvCodec.av_packet_unref(packet);
        if (error < 0 && error != AvConstants.AVERROR_EAGAIN)
        {
            // Drain what is ready anyway so frames already decoded are not lost.
            Drain(onFrame, out _);
            return Result<int>.Fail(AvError.Fail("corrupt", $"{Name}: avcodec_send_packet", error));
        }
        var produced = Drain(onFrame, out var drainError);
        return drainError is null ? produced : Result<int>.Fail(drainError);
    }

    /// <summary>Signals the end of the stream and hands out the frames still inside the decoder.</summary>
    public Result<int> Flush(FrameHandler onFrame)
    {
        var error = LibAvCodec.avcodec_send_packet(_context.Pointer, null);
        if (error < 0 && error != AvConstants.AVERROR_EOF) return Result<int>.Fail(AvError.Fail("corrupt", "flush", error));
        var count = Drain(onFrame, out var drainError);
        LibAvCodec.avcodec_flush_buffers(_context.Pointer);
        return drainError is null ? count : Result<int>.Fail(drainError);
    }

    private int Drain(FrameHandler onFrame, out Failure? failure)
    {
        failure = null;
        var count = 0;
        while (true)
        {
            var frame = _frame.Pointer;
            var error = LibAvCodec.avcodec_receive_frame(_context.Pointer, frame);
            if (error == AvConstants.AVERROR_EAGAIN || error == AvConstants.AVERROR_EOF) return count;
            if (error < 0)
            {
                failure = AvError.Fail("corrupt", $"{Name}: avcodec_receive_frame", error);
                return count;
            }
            try
            {
                var output = frame;
                if (frame->format == AvConstants.AV_PIX_FMT_VAAPI || frame->format == AvConstants.AV_PIX_FMT_CUDA)
                {
                    error = LibAvUtil.av_hwframe_transfer_data(_transfer.Pointer, frame, 0);
                    if (error < 0)
                    {
                        failure = AvError.Fail("hardware-failed", $"{Name}: av_hwframe_transfer_data", error);
                        return count;
                    }
                    _transfer.Pointer->pts = frame->pts;
                    _transfer.Pointer->key_frame = frame->key_frame;
                    output = _transfer.Pointer;
                }
                count++;
                onFrame(new VideoFrameView(output));
            }
            finally
            {
                LibAvUtil.av_frame_unref(_transfer.Pointer);
                LibAvUtil.av_frame_unref(frame);
            }
        }
    }

    public void Dispose()
    {
        _frame.Dispose();
        _transfer.Dispose();
        _packet.Dispose();
        _context.Dispose();
        _device?.Dispose();
    }
}
