using Appliance.Plugins.Media.FFmpegInterop.Native;

namespace Appliance.Plugins.Media.FFmpegInterop;

/// <summary>
/// A decoded frame owned by a decoder or scaler, valid only until that object's next call (copy what you keep).
/// Planar 8-bit formats only (yuv420p, yuvj420p, gray8, nv12): plane <c>i</c> has <see cref="Stride"/>(i) bytes per row.
/// </summary>
public readonly unsafe struct VideoFrameView
{
    internal VideoFrameView(AVFrame* frame) => Frame = frame;

    internal AVFrame* Frame { get; }

    public int Width => Frame->width;

    public int Height => Frame->height;

    /// <summary>The <c>AVPixelFormat</c> (see <see cref="AvConstants"/>).</summary>
    public int PixelFormat => Frame->format;

    public bool IsKeyframe => Frame->key_frame != 0;

    public long Pts => Frame->pts;

    public int Stride(int plane) => Frame->linesize[plane];

    /// <summary>Plane <paramref name="plane"/>: <paramref name="rows"/> rows of <see cref="Stride"/> bytes.</summary>
    public ReadOnlySpan<byte> Plane(int plane, int rows) =>
        new((void*)Frame->data[plane], checked(Frame->linesize[plane] * rows));
}

/// <summary>Receives each frame a decoder or scaler produces; the view dies when the handler returns.</summary>
public delegate void FrameHandler(VideoFrameView frame);
