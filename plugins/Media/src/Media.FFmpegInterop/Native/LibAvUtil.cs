using System.Runtime.InteropServices;

namespace Appliance.Plugins.Media.FFmpegInterop.Native;

/// <summary>The libavutil 57 functions this layer calls.</summary>
public static unsafe class LibAvUtil
{
    private const string Lib = LibraryNames.AvUtil;

    [DllImport(Lib)] public static extern uint avutil_version();
    [DllImport(Lib)] public static extern AVFrame* av_frame_alloc();
    [DllImport(Lib)] public static extern void av_frame_free(AVFrame** frame);
    [DllImport(Lib)] public static extern void av_frame_unref(AVFrame* frame);
    [DllImport(Lib)] public static extern AVFrame* av_frame_clone(AVFrame* source);
    [DllImport(Lib)] public static extern int av_frame_get_buffer(AVFrame* frame, int align);
    [DllImport(Lib)] public static extern int av_frame_make_writable(AVFrame* frame);
    [DllImport(Lib)] public static extern int av_hwframe_transfer_data(AVFrame* destination, AVFrame* source, int flags);
    [DllImport(Lib)] public static extern int av_strerror(int error, byte* buffer, nuint size);
    [DllImport(Lib)] public static extern int av_opt_set(void* target, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int searchFlags);
    [DllImport(Lib)] public static extern int av_hwdevice_ctx_create(IntPtr* deviceContext, int type, [MarshalAs(UnmanagedType.LPUTF8Str)] string? device, IntPtr options, int flags);
    [DllImport(Lib)] public static extern IntPtr av_buffer_ref(IntPtr buffer);
    [DllImport(Lib)] public static extern void av_buffer_unref(IntPtr* buffer);
    [DllImport(Lib)] public static extern void av_log_set_level(int level);

    /// <summary>AV_OPT_SEARCH_CHILDREN: also look in the codec's private options (e.g. libx264's preset).</summary>
    public const int AV_OPT_SEARCH_CHILDREN = 1;

    /// <summary>AV_LOG_QUIET / AV_LOG_ERROR.</summary>
    public const int AV_LOG_QUIET = -8;
    public const int AV_LOG_ERROR = 16;
}
