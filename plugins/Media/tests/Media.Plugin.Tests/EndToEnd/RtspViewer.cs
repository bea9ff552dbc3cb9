using System.Globalization;
using Appliance.Plugins.Media.Tests.Shared;
using Appliance.Testing;

namespace Appliance.Plugins.Media.Plugin.Tests.EndToEnd;

/// <summary>
/// A viewer that keeps watching: ffmpeg copies an RTSP stream (TCP) into an MPEG-TS file without decoding, and
/// ffprobe reads what arrived so far: the video packets' presentation times, so a test can tell the stream kept
/// flowing (more packets later) and had no hole (no jump between consecutive packets).
/// </summary>
public sealed class RtspViewer : IDisposable
{
    private readonly PeerProcess _ffmpeg;
    private readonly string _folder;

    private RtspViewer(PeerProcess ffmpeg, string folder)
    {
        _ffmpeg = ffmpeg;
        _folder = folder;
    }

    public string File => Path.Combine(_folder, "viewed.ts");

    public bool Watching => !_ffmpeg.HasExited;

    public string Log => _ffmpeg.Log();

    public static RtspViewer Start(string url)
    {
        var folder = Directory.CreateTempSubdirectory("appl-media-viewer-").FullName;
        var ffmpeg = PeerProcess.Start("ffmpeg", ["-nostdin", "-v", "error", "-rtsp_transport", "tcp", "-i", url, "-map", "0:v", "-c", "copy", "-f", "mpegts", Path.Combine(folder, "viewed.ts")],
            Path.Combine(folder, "ffmpeg.log"));
        return new RtspViewer(ffmpeg, folder);
    }

    /// <summary>Presentation times (seconds) of the video packets written so far.</summary>
    public IReadOnlyList<double> PacketTimes()
    {
        if (!System.IO.File.Exists(File)) return [];
        return Clips.Run("ffprobe", $"-v error -select_streams v:0 -show_entries packet=pts_time -of csv=p=0 {File}")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => double.TryParse(l.TrimEnd(','), NumberStyles.Float, CultureInfo.InvariantCulture, out var t) ? t : double.NaN)
            .Where(t => !double.IsNaN(t))
            .ToList();
    }

    /// <summary>The largest step between consecutive packet times (0 for fewer than two packets).</summary>
    public static double LargestStep(IReadOnlyList<double> times) =>
        times.Count < 2 ? 0 : times.Zip(times.Skip(1), (a, b) => b - a).Max();

    public void Dispose()
    {
        _ffmpeg.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
