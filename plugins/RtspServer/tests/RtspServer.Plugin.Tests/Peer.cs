using System.Diagnostics;
using System.Text;

namespace Appliance.Plugins.RtspServer.Plugin.Tests;

/// <summary>Runs a peer program (ffprobe, ffmpeg, gst-launch, cvlc) to completion with a deadline; kills it by pid on timeout.</summary>
public static class Peer
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr, bool TimedOut);

    public static async Task<Outcome> RunAsync(string file, IEnumerable<string> args, TimeSpan deadline, string? asUser = null)
    {
        var psi = new ProcessStartInfo
        {
            FileName = asUser is null ? file : "/usr/sbin/runuser",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asUser is not null)
        {
            foreach (var a in new[] { "-u", asUser, "--", file }) psi.ArgumentList.Add(a);
            psi.Environment["HOME"] = "/tmp";
        }
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync().WaitAsync(deadline);
        }
        catch (TimeoutException)
        {
            timedOut = true;
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync();
        }
        process.WaitForExit();
        lock (stdout) lock (stderr)
            return new Outcome(timedOut ? -1 : process.ExitCode, stdout.ToString(), stderr.ToString(), timedOut);
    }
}
