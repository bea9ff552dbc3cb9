using System.Runtime.InteropServices;

namespace Appliance.Plugins.Media.FFmpegInterop.Native;

// Partial views of FFmpeg 5.1's structs: only the fields this layer reads or writes, at their offsets on LP64
// (x86_64 and aarch64). FFmpeg allocates every one of these itself (never sizeof on our side, except AVRational);
// StructLayoutTests compiles a C program against the installed headers and compares every offset and size here.

[StructLayout(LayoutKind.Sequential)]
public struct AVRational
{
    public int num;
    public int den;

    public AVRational(int num, int den)
    {
        this.num = num;
        this.den = den;
    }
}

[StructLayout(LayoutKind.Explicit)]
public unsafe struct AVCodecContext
{
    [FieldOffset(12)] public int codec_type;
    [FieldOffset(24)] public int codec_id;
    [FieldOffset(56)] public long bit_rate;
    [FieldOffset(76)] public int flags;
    [FieldOffset(88)] public byte* extradata;
    [FieldOffset(96)] public int extradata_size;
    [FieldOffset(100)] public AVRational time_base;
    [FieldOffset(116)] public int width;
    [FieldOffset(120)] public int height;
    [FieldOffset(132)] public int gop_size;
    [FieldOffset(136)] public int pix_fmt;
    [FieldOffset(160)] public int max_b_frames;
    [FieldOffset(636)] public int thread_count;
    [FieldOffset(640)] public int thread_type;
    [FieldOffset(712)] public AVRational framerate;
    [FieldOffset(872)] public IntPtr hw_device_ctx;
}

[StructLayout(LayoutKind.Explicit)]
public unsafe struct AVFrame
{
    /// <summary>uint8_t *data[8]</summary>
    [FieldOffset(0)] public fixed long data[8];
    /// <summary>int linesize[8]</summary>
    [FieldOffset(64)] public fixed int linesize[8];
    [FieldOffset(104)] public int width;
    [FieldOffset(108)] public int height;
    [FieldOffset(116)] public int format;
    [FieldOffset(120)] public int key_frame;
    [FieldOffset(124)] public int pict_type;
    [FieldOffset(136)] public long pts;
    [FieldOffset(168)] public int quality;
}

[StructLayout(LayoutKind.Explicit)]
public unsafe struct AVPacket
{
    [FieldOffset(0)] public IntPtr buf;
    [FieldOffset(8)] public long pts;
    [FieldOffset(16)] public long dts;
    [FieldOffset(24)] public byte* data;
    [FieldOffset(32)] public int size;
    [FieldOffset(40)] public int flags;
}

[StructLayout(LayoutKind.Explicit)]
public unsafe struct AVCodec
{
    [FieldOffset(0)] public byte* name;
    [FieldOffset(8)] public byte* long_name;
    [FieldOffset(16)] public int type;
    [FieldOffset(20)] public int id;
    [FieldOffset(24)] public int capabilities;
    [FieldOffset(88)] public byte* wrapper_name;
}
