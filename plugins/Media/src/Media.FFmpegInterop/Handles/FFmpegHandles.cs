using System.Runtime.InteropServices;
using Appliance.Plugins.Media.FFmpegInterop.Native;

namespace Appliance.Plugins.Media.FFmpegInterop.Handles;

// One SafeHandle per FFmpeg object this layer allocates: released exactly once, also when a finalizer runs
// because a caller forgot Dispose, and never while a P/Invoke call is using it (SafeHandle's reference count).

/// <summary>Owns an <c>AVCodecContext*</c> (<c>avcodec_free_context</c>).</summary>
public sealed unsafe class CodecContextHandle : SafeHandle
{
    public CodecContextHandle(AVCodecContext* context) : base(IntPtr.Zero, true) => SetHandle((IntPtr)context);

    public override bool IsInvalid => handle == IntPtr.Zero;

    public AVCodecContext* Pointer => (AVCodecContext*)handle;

    protected override bool ReleaseHandle()
    {
        var context = (AVCodecContext*)handle;
        LibAvCodec.avcodec_free_context(&context);
        return true;
    }
}

/// <summary>Owns an <c>AVFrame*</c> (<c>av_frame_free</c>, which also drops its buffers).</summary>
public sealed unsafe class FrameHandle : SafeHandle
{
    public FrameHandle(AVFrame* frame) : base(IntPtr.Zero, true) => SetHandle((IntPtr)frame);

    public static FrameHandle Allocate()
    {
        var frame = LibAvUtil.av_frame_alloc();
        if (frame == null) throw new InsufficientMemoryException("av_frame_alloc failed");
        return new FrameHandle(frame);
    }

    /// <summary>A new reference to <paramref name="frame"/>'s buffers (<c>av_frame_clone</c>: no pixel copy), which
    /// outlives the view; null if FFmpeg could not allocate it.</summary>
    public static FrameHandle? CloneOf(VideoFrameView frame)
    {
        var clone = LibAvUtil.av_frame_clone(frame.Frame);
        return clone == null ? null : new FrameHandle(clone);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public AVFrame* Pointer => (AVFrame*)handle;

    /// <summary>A view of the frame this handle owns; valid while the handle is neither disposed nor replaced.</summary>
    public VideoFrameView View() => new(Pointer);

    protected override bool ReleaseHandle()
    {
        var frame = (AVFrame*)handle;
        LibAvUtil.av_frame_free(&frame);
        return true;
    }
}

/// <summary>Owns an <c>AVPacket*</c> (<c>av_packet_free</c>, which also unreferences its data).</summary>
public sealed unsafe class PacketHandle : SafeHandle
{
    public PacketHandle(AVPacket* packet) : base(IntPtr.Zero, true) => SetHandle((IntPtr)packet);

    public static PacketHandle Allocate()
    {
        var packet = LibAvCodec.av_packet_alloc();
        if (packet == null) throw new InsufficientMemoryException("av_packet_alloc failed");
        return new PacketHandle(packet);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public AVPacket* Pointer => (AVPacket*)handle;

    protected override bool ReleaseHandle()
    {
        var packet = (AVPacket*)handle;
        LibAvCodec.av_packet_free(&packet);
        return true;
    }
}

/// <summary>Owns a <c>SwsContext*</c> (<c>sws_freeContext</c>).</summary>
public sealed class ScalerHandle : SafeHandle
{
    public ScalerHandle(IntPtr context) : base(IntPtr.Zero, true) => SetHandle(context);

    public override bool IsInvalid => handle == IntPtr.Zero;

    public IntPtr Pointer => handle;

    protected override bool ReleaseHandle()
    {
        LibSwScale.sws_freeContext(handle);
        return true;
    }
}

/// <summary>Owns one reference to an <c>AVBufferRef*</c> (e.g. a hardware device context; <c>av_buffer_unref</c>).</summary>
public sealed unsafe class BufferRefHandle : SafeHandle
{
    public BufferRefHandle(IntPtr buffer) : base(IntPtr.Zero, true) => SetHandle(buffer);

    public override bool IsInvalid => handle == IntPtr.Zero;

    public IntPtr Pointer => handle;

    protected override bool ReleaseHandle()
    {
        var buffer = handle;
        LibAvUtil.av_buffer_unref(&buffer);
        return true;
    }
}
