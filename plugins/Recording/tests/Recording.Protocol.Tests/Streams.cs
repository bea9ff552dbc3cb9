using Appliance.Plugins.Media.Protocol.Codecs;
using MediaClips = Appliance.Plugins.Media.Tests.Shared.Clips;
using Appliance.Plugins.Recording.Protocol.Segments;
using Appliance.Plugins.Recording.Protocol.Video;

namespace Appliance.Plugins.Recording.Protocol.Tests;

/// <summary>ffmpeg-made elementary streams as the hub would deliver them (one Annex-B unit per frame, 90 kHz timestamps), written into segments.</summary>
public static class Streams
{
    public sealed record Unit(ReadOnlyMemory<byte> Data, long Pts, bool Keyframe);

    public static string Folder(string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), "appliance-recording-tests", name, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static List<Unit> Units(VideoCodec codec, int width, int height, int seconds, int fps = 25, int gop = 25)
    {
        var format = codec == VideoCodec.H265 ? VideoFormat.H265 : VideoFormat.H264;
        var file = Path.Combine(MediaClips.TempFolder("recording"), $"{width}x{height}-{seconds}s-{fps}-{gop}.{(codec == VideoCodec.H265 ? "h265" : "h264")}");
        // No B-frames (as surveillance cameras send): the hub's units carry one timestamp each, in decode order.
        var encoder = codec == VideoCodec.H265
            ? $"-c:v libx265 -x265-params aud=1:keyint={gop}:min-keyint={gop}:bframes=0:log-level=error -preset ultrafast -f hevc"
            : $"-c:v libx264 -x264-params aud=1:keyint={gop}:min-keyint={gop} -preset ultrafast -bf 0 -f h264";
        if (!File.Exists(file))
            MediaClips.Ffmpeg($"-f lavfi -i testsrc2=size={width}x{height}:rate={fps} -t {seconds} -pix_fmt yuv420p {encoder} {file}");
        return MediaClips.AccessUnits(file, format)
            .Select((u, i) => new Unit(u, i * (90_000L / fps), NalUnits.IsKeyframe(codec, u.Span)))
            .ToList();
    }

    /// <summary>Writes <paramref name="units"/> into one segment file and returns the writer's figures.</summary>
    public static (string Path, int Frames, long FirstPts, long LastPts) Write(string path, VideoCodec codec, IEnumerable<Unit> units, ParameterSets? parameters = null)
    {
        using var writer = SegmentWriter.Create(path, parameters ?? new ParameterSets(codec)).Value;
        foreach (var u in units)
        {
            var written = writer.Write(u.Data.Span, u.Pts, u.Keyframe);
            if (!written.IsOk) throw new InvalidOperationException(written.Failure!.Message);
        }
        return (path, writer.Frames, writer.FirstPts, writer.LastPts);
    }
}
