using System.Diagnostics;

namespace Appliance.Testing;

/// <summary>
/// A JPEG made by ffmpeg, kept where the media plugin keeps an event's snapshot (its data folder's <c>snapshots/</c>,
/// named by the snapshot id it puts in <c>MotionDetected</c>). The media plugin's own tests show it writes these on
/// motion; tests of what consumes them (rules, e-mail, the cloud's <c>snapshot</c> command) start from here.
/// </summary>
public static class KeptSnapshots
{
    public static async Task<byte[]> CreateAsync(string hostDataDirectory, string id)
    {
        var folder = Path.Combine(hostDataDirectory, "plugin-data", "appliance.media", "snapshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, id + ".jpg");
        // Written whole, then renamed into place, as the media plugin does: a reader that waits for the file (the rule
        // runner, the cloud link) never sees it half written.
        var partial = Path.Combine(folder, $".{id}.partial.jpg");
        using var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg",
            ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=1", "-frames:v", "1", "-y", partial])
        { RedirectStandardError = true })!;
        var errors = await ffmpeg.StandardError.ReadToEndAsync();
        await ffmpeg.WaitForExitAsync();
        if (ffmpeg.ExitCode != 0) throw new InvalidOperationException($"ffmpeg could not make a JPEG ({ffmpeg.ExitCode}): {errors}");
        var bytes = await File.ReadAllBytesAsync(partial);
        File.Move(partial, path, overwrite: true);
        return bytes;
    }
}
