using System.Diagnostics;
using System.Globalization;

namespace Appliance.Plugins.Recording.Tests.Shared;

/// <summary>ffprobe and ffmpeg (the independent peers) on a transport stream file: what they read and what they complain about.</summary>
public static class TsProbe
{
    /// <summary>What ffprobe finds: video codec, decoded frame count, duration in seconds, first frame a keyframe.</summary>
    public sealed record Report(string Codec, int Frames, double Seconds, bool FirstIsKeyframe, string DecodeErrors)
    {
        public override string ToString() =>
            $"{Codec}, {Frames} frames, {Seconds:0.000} s, first {(FirstIsKeyframe ? "key" : "NOT key")}, errors [{DecodeErrors}]";
    }

    public static Report Probe(string file)
    {
        var stream = Run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=codec_name,nb_read_frames",
            "-show_entries", "format=duration", "-of", "default=nw=1", file]).Output;
        var values = stream.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1]);
        var first = Run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=key_frame", "-read_intervals", "%+#1", "-of", "csv=p=0", file]).Output;
        var errors = Run("ffmpeg", ["-v", "error", "-i", file, "-f", "null", "-"]);
        return new Report(
            values.GetValueOrDefault("codec_name", "?"),
            int.TryParse(values.GetValueOrDefault("nb_read_frames"), out var n) ? n : 0,
            double.TryParse(values.GetValueOrDefault("duration"), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0,
            first.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()?.Split(',')[0] == "1",
            (errors.Output + errors.Error).Trim());
    }

    /// <summary>Runs a tool to its end (at most 5 minutes) and returns its exit code, stdout and stderr.</summary>
    public static (int Code, string Output, string Error) Run(string file, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(300_000))
        {
            process.Kill(true);
            throw new TimeoutException($"{file} did not finish in 5 minutes");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
