using System.Diagnostics;
using System.Globalization;

namespace Appliance.Plugins.Rtsp.Tests.Shared;

/// <summary>ffprobe as an independent RTSP client: what codec and picture size (and frame rate) does it see?</summary>
public static class Probe
{
    /// <summary>"codec,width,height" of the first video stream, e.g. <c>h264,1280,720</c>.</summary>
    public static Task<string> VideoAsync(string url, string transport = "tcp") => EntriesAsync(url, transport, "codec_name,width,height");

    /// <summary>"codec,width,height,fps" of the first video stream, e.g. <c>h264,1280,720,25</c>: r_frame_rate as a number (two decimals at most).</summary>
    public static async Task<string> VideoWithRateAsync(string url, string transport = "tcp")
    {
        var parts = (await EntriesAsync(url, transport, "codec_name,width,height,r_frame_rate")).Split(',');
        if (parts.Length != 4 || parts[3].Split('/') is not [var num, var den]) return string.Join(',', parts);
        var fps = double.Parse(num, CultureInfo.InvariantCulture) / double.Parse(den, CultureInfo.InvariantCulture);
        return $"{parts[0]},{parts[1]},{parts[2]},{Math.Round(fps, 2).ToString(CultureInfo.InvariantCulture)}";
    }

    private static async Task<string> EntriesAsync(string url, string transport, string entries)
    {
        var psi = new ProcessStartInfo("/usr/bin/ffprobe",
            $"-v error -rtsp_transport {transport} -select_streams v:0 -show_entries stream={entries} -of csv=p=0 {url}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        try
        {
            var output = process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            return (await output).Trim();
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }
}
