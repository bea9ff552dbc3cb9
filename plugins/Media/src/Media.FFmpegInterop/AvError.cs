using Appliance.Abstractions;
using Appliance.Plugins.Media.FFmpegInterop.Native;

namespace Appliance.Plugins.Media.FFmpegInterop;

/// <summary>Turns FFmpeg's negative error codes into text and <see cref="Failure"/>s.</summary>
public static unsafe class AvError
{
    /// <summary>The text of an AVERROR code (<c>av_strerror</c>).</summary>
    public static string Describe(int error)
    {
        var buffer = stackalloc byte[256];
        if (LibAvUtil.av_strerror(error, buffer, 256) < 0) return $"FFmpeg error {error}";
        return new string((sbyte*)buffer);
    }

    /// <summary>A failure with <paramref name="code"/>, naming the call that failed and FFmpeg's reason.</summary>
    public static Failure Fail(string code, string call, int error) => new(code, $"{call} failed: {Describe(error)} ({error})");
}
