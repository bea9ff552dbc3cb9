using System.Diagnostics;

namespace Appliance.Plugins.Rtsp.Tests.Shared;

/// <summary>ffprobe as an independent RTSP client: what codec and picture size does it see?</summary>
public static class Probe
{
    public static async Task<string> VideoAsync(string url, string transport = "tcp")
    {
        var psi = new ProcessStartInfo("/usr/bin/ffprobe",
            $"-v error -rtsp_transport {transport} -select_streams v:0 -show_entries stream=codec_name,width,height -of csv=p=0 {url}")
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
