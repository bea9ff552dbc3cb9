using System.ComponentModel;
using System.Diagnostics;
using Appliance.Abstractions;
using Appliance.Host.Configuration;
using Appliance.SystemBus;
using Microsoft.Extensions.Options;

namespace Appliance.Host.SystemServices;

/// <summary>
/// A unit's recent journal lines through <c>journalctl -u UNIT -n N -o json</c>. No journalctl (a container, a dev
/// machine) is <c>unavailable</c>; a failing run is <c>failed</c> with its first error line; unreadable lines are skipped
/// and counted.
/// </summary>
public sealed class JournalReader(IOptions<ApplianceOptions> options)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(10);

    public sealed record Journal(IReadOnlyList<JournalLine> Lines, int Unreadable);

    public async Task<Result<Journal>> ReadAsync(string unit, CancellationToken ct)
    {
        if (!SystemdClient.IsUnitName(unit)) return Result<Journal>.Fail("invalid", $"'{unit}' is not a unit name");
        var settings = options.Value.SystemServices;
        var lines = Math.Clamp(settings.JournalLines, 1, 500);
        var info = new ProcessStartInfo(settings.JournalctlPath, ["-u", unit, "-n", lines.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", "json", "--no-pager"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new Win32Exception("not started");
        }
        catch (Win32Exception ex)
        {
            return Result<Journal>.Fail("unavailable", $"journalctl cannot be run ({settings.JournalctlPath}: {ex.Message})");
        }
        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(RunTimeout);
            var entries = new List<JournalLine>();
            var unreadable = 0;
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                {
                    if (entries.Count + unreadable >= lines) continue; // drain, keep no more than asked
                    var entry = JournalJson.ParseLine(line);
                    if (entry.IsOk) entries.Add(entry.Value);
                    else unreadable++;
                }
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                return Result<Journal>.Fail("timeout", $"journalctl did not finish within {RunTimeout.TotalSeconds:0} s");
            }
            if (process.ExitCode != 0)
            {
                var first = (await error).Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? $"exit code {process.ExitCode}";
                return Result<Journal>.Fail("failed", $"journalctl: {first}");
            }
            return new Journal(entries, unreadable);
        }
    }
}
