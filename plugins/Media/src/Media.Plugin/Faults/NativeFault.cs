using System.Runtime.InteropServices;
using Appliance.Plugins.Media.FFmpegInterop.Native;

namespace Appliance.Plugins.Media.Plugin.Faults;

/// <summary>
/// TEST ONLY (issue 14, item 7): a real fault in native code inside the media process, the kind of crash a broken
/// codec or driver causes. FFmpeg's <c>av_strlcpy</c> is asked to copy into address 0, so libavutil itself writes
/// to an unmapped page; the .NET runtime does not absorb a fault outside managed code, so the process dies by
/// SIGSEGV (a <c>kill -SEGV</c> from outside, in contrast, is absorbed). Reached only through the
/// <c>faults/native</c> route, which answers 404 unless <c>faultInjection.enabled</c> is set.
/// </summary>
internal static class NativeFault
{
    /// <summary>Faults on a thread of its own after <paramref name="delay"/> (so the route's answer gets out first).
    /// Never returns normally on that thread: the process ends.</summary>
    public static void TriggerAfter(TimeSpan delay)
    {
        var thread = new Thread(() =>
        {
            Thread.Sleep(delay);
            WriteThroughNullPointer();
        })
        { IsBackground = true, Name = "media native fault (test only)" };
        thread.Start();
    }

    private static void WriteThroughNullPointer()
    {
        var source = Marshal.StringToHGlobalAnsi("fault");
        av_strlcpy(IntPtr.Zero, source, 16);
        Marshal.FreeHGlobal(source); // not reached
    }

    [DllImport(LibraryNames.AvUtil)]
    private static extern nuint av_strlcpy(IntPtr destination, IntPtr source, nuint size);
}
