using System.Diagnostics;
using Appliance.Plugins.Media.Protocol.Codecs;

namespace Appliance.Plugins.Media.Tests.Shared;

/// <summary>Test clips made by the ffmpeg CLI (the independent peer) in a temporary folder, and what ffprobe says of files.</summary>
public static class Clips
{
    /// <summary>Runs ffmpeg with <paramref name="arguments"/> (plus <c>-y -loglevel error</c>); throws with its stderr on failure.</summary>
    public static void Ffmpeg(string arguments) => Run("ffmpeg", "-y -hide_banner -loglevel error " + arguments);

    public static string Run(string file, string arguments, int timeoutSeconds = 300)
    {
        var psi = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(true);
            throw new TimeoutException($"{file} {arguments} did not finish in {timeoutSeconds} s");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} exited {process.ExitCode}: {stderr.Result}");
        return stdout.Result + stderr.Result;
    }

    /// <summary>An Annex-B elementary stream of a test pattern with access unit delimiters.</summary>
    public static string Elementary(string folder, VideoFormat format, int width, int height, int seconds, int fps = 25, string pattern = "testsrc2", int gop = 25)
    {
        var name = Path.Combine(folder, $"{pattern}-{width}x{height}-{seconds}s-{fps}-{gop}.{(format == VideoFormat.H265 ? "h265" : "h264")}");
        if (File.Exists(name)) return name;
        var codec = format == VideoFormat.H265
            ? $"-c:v libx265 -x265-params aud=1:keyint={gop}:log-level=error -preset ultrafast -f hevc"
            : $"-c:v libx264 -x264-params aud=1:keyint={gop} -preset ultrafast -bf 0 -f h264";
        Ffmpeg($"-f lavfi -i {pattern}=size={width}x{height}:rate={fps} -t {seconds} -pix_fmt yuv420p {codec} {name}");
        return name;
    }

    /// <summary>The access units of an elementary stream file.</summary>
    public static List<ReadOnlyMemory<byte>> AccessUnits(string file, VideoFormat format) =>
        AnnexB.SplitAtDelimiters(File.ReadAllBytes(file), format);

    /// <summary>ffprobe's view of a file's first video stream: codec name, width, height, frame count.</summary>
    public static (string Codec, int Width, int Height, int Frames) Probe(string file, string? format = null)
    {
        var forced = format is null ? "" : $"-f {format} ";
        var output = Run("ffprobe", $"-v error {forced}-count_frames -select_streams v:0 -show_entries stream=codec_name,width,height,nb_read_frames -of csv=p=0 {file}").Trim();
        var parts = output.Split('\n')[0].Trim().Split(',');
        return (parts[0], int.Parse(parts[1]), int.Parse(parts[2]), int.TryParse(parts[3], out var n) ? n : 0);
    }

    public static string TempFolder(string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), "appliance-media-tests", name);
        Directory.CreateDirectory(folder);
        return folder;
    }
}
