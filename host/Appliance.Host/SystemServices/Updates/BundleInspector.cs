using System.Diagnostics;
using Appliance.Abstractions;
using Appliance.Core.Updates;
using Appliance.Host.Configuration;
using Microsoft.Extensions.Options;

namespace Appliance.Host.SystemServices.Updates;

/// <summary>
/// A bundle's signature checked against the update CA and its manifest read, with Debian's rauc
/// (<c>rauc info --keyring</c>), before anything is handed to the installer: a bundle signed under another CA,
/// truncated or not a bundle at all is refused with rauc's reason.
/// </summary>
public sealed class BundleInspector(IOptions<ApplianceOptions> options)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    public async Task<Result<ImageUpdate.BundleManifest>> InspectAsync(string bundle, CancellationToken ct)
    {
        var settings = options.Value.ImageUpdates;
        if (!File.Exists(settings.Keyring)) return Result<ImageUpdate.BundleManifest>.Fail("unavailable", $"the update keyring {settings.Keyring} does not exist");
        var start = new ProcessStartInfo(settings.RaucPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "info", "--keyring=" + settings.Keyring, "--output-format=shell", bundle }) start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return Result<ImageUpdate.BundleManifest>.Fail("unavailable", $"rauc cannot be run ({settings.RaucPath}): {ex.Message}");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            try
            {
                await process.WaitForExitAsync(ct).WaitAsync(Patience, ct);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                return Result<ImageUpdate.BundleManifest>.Fail("timeout", $"rauc info did not finish within {Patience.TotalSeconds:0} s");
            }
            if (process.ExitCode != 0) return Result<ImageUpdate.BundleManifest>.Fail("invalid", $"the bundle is refused: {Reason(await stderr)}");
            var manifest = UpdatesFacade.ParseRaucInfo(await stdout);
            return manifest.IsOk
                ? manifest.Value
                : Result<ImageUpdate.BundleManifest>.Fail("invalid", $"the bundle's manifest: {manifest.Failure!.Message}");
        }
    }

    /// <summary>rauc's reason: its first line that is neither progress nor OpenSSL's stack of detail lines.</summary>
    private static string Reason(string stderr) =>
        stderr.Split('\n').Select(l => l.Trim())
            .FirstOrDefault(l => l.Length > 0 && !l.StartsWith("rauc-Message", StringComparison.Ordinal) && !l.Contains(":error:", StringComparison.Ordinal))
        ?? "rauc info failed";
}
