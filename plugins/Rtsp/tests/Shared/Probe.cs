using System.Diagnostics;

namespace Appliance.Plugins.Rtsp.Tests.Shared;

/// <summary>ffprobe as an independent RTSP client: what codec and picture size (and frame rate) does it see?</summary>
public static class Probe
{
    /// <summary>"codec,width,height" of the first video stream, e.g. <c>h264,1280,720</c>.</summary>
    public static Task<string> VideoAsync(string url, string transport = "tcp") => EntriesAsync(url, transport, "codec_name,width,height");

    /// <summary>"codec,width,height,rate" of the first video stream, e.g. <c>h264,1280,720,25/1</c> (r_frame_rate).</summary>
    public static Task<string> VideoWithRateAsync(string url, string transport = "tcp") => EntriesAsync(url, transport, "codec_name,width,height,r_frame_rate");

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
