using System.Runtime.InteropServices;

namespace Appliance.Plugins.Media.FFmpegInterop.Native;

/// <summary>The libswscale 6 functions this layer calls.</summary>
public static unsafe class LibSwScale
{
    private const string Lib = LibraryNames.SwScale;

    [DllImport(Lib)] public static extern uint swscale_version();
    [DllImport(Lib)] public static extern IntPtr sws_getContext(int srcW, int srcH, int srcFormat, int dstW, int dstH, int dstFormat, int flags, IntPtr srcFilter, IntPtr dstFilter, IntPtr param);
    [DllImport(Lib)] public static extern int sws_scale(IntPtr context, byte** srcSlice, int* srcStride, int srcSliceY, int srcSliceH, byte** dst, int* dstStride);
    [DllImport(Lib)] public static extern void sws_freeContext(IntPtr context);
}
