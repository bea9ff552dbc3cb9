using System.Reflection;
using System.Runtime.InteropServices;
using Appliance.Abstractions;
using Appliance.Plugins.Media.FFmpegInterop.Native;

namespace Appliance.Plugins.Media.FFmpegInterop;

/// <summary>Versions of the loaded FFmpeg libraries (major.minor.micro).</summary>
public sealed record FFmpegVersions(Version AvCodec, Version AvUtil, Version SwScale)
{
    public override string ToString() => $"libavcodec {AvCodec}, libavutil {AvUtil}, libswscale {SwScale}";
}

/// <summary>
/// Proof that FFmpeg 5.1's libraries are present and of the major versions this layer's struct layouts were
/// checked against. Obtain one with <see cref="Load"/>; every decoder, encoder and scaler is opened through it, so
/// nothing calls into a library that was not checked.
/// </summary>
public sealed class FFmpegRuntime
{
    private FFmpegRuntime(FFmpegVersions versions) => Versions = versions;

    public FFmpegVersions Versions { get; }

    /// <summary>
    /// Loads libavcodec.so.59, libavutil.so.57 and libswscale.so.6 and checks their major versions.
    /// Fails with <c>missing-library</c> naming the library that could not be loaded, or
    /// <c>wrong-version</c> naming the library whose major version differs. <paramref name="quiet"/> silences
    /// FFmpeg's own log on stderr (errors still come back as codes).
    /// </summary>
    public static Result<FFmpegRuntime> Load(bool quiet = true) => Load(LibraryNames.AvCodec, LibraryNames.AvUtil, LibraryNames.SwScale, quiet);

    /// <summary>As <see cref="Load(bool)"/> with other file names (tests prove the missing-library error with it).</summary>
    public static Result<FFmpegRuntime> Load(string avcodec, string avutil, string swscale, bool quiet = true)
    {
        foreach (var (name, package) in new[] { (avutil, "libavutil57"), (swscale, "libswscale6"), (avcodec, "libavcodec59") })
        {
            if (!NativeLibrary.TryLoad(name, Assembly.GetExecutingAssembly(), null, out _))
                return Result<FFmpegRuntime>.Fail("missing-library",
                    $"{name} could not be loaded: the media plugin needs FFmpeg 5.1 (Debian package {package})");
        }
        if (avcodec != LibraryNames.AvCodec || avutil != LibraryNames.AvUtil || swscale != LibraryNames.SwScale)
            return Result<FFmpegRuntime>.Fail("wrong-version", "only the FFmpeg 5.1 sonames are supported by this binding");

        var versions = new FFmpegVersions(
            Unpack(LibAvCodec.avcodec_version()), Unpack(LibAvUtil.avutil_version()), Unpack(LibSwScale.swscale_version()));
        foreach (var (library, version, major) in new[]
                 {
                     (LibraryNames.AvCodec, versions.AvCodec, LibraryNames.AvCodecMajor),
                     (LibraryNames.AvUtil, versions.AvUtil, LibraryNames.AvUtilMajor),
                     (LibraryNames.SwScale, versions.SwScale, LibraryNames.SwScaleMajor),
                 })
        {
            if (version.Major != major)
                return Result<FFmpegRuntime>.Fail("wrong-version", $"{library} reports version {version}, expected major {major}");
        }
        LibAvUtil.av_log_set_level(quiet ? LibAvUtil.AV_LOG_QUIET : LibAvUtil.AV_LOG_ERROR);
        return new FFmpegRuntime(versions);
    }

    /// <summary>AV_VERSION_INT unpacked: major &lt;&lt; 16 | minor &lt;&lt; 8 | micro.</summary>
    public static Version Unpack(uint version) => new((int)(version >> 16), (int)((version >> 8) & 0xff), (int)(version & 0xff));
}
