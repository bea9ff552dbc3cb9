using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Appliance.Abstractions;

namespace Appliance.Firewall;

/// <summary>What one nft command printed and returned.</summary>
internal sealed record NftRun(int ExitCode, string StdOut, string StdErr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The first lines of stderr (or stdout), for an error message.</summary>
    public string Diagnostic(int maxLines = 6)
    {
        var text = string.IsNullOrWhiteSpace(StdErr) ? StdOut : StdErr;
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shown = string.Join(" | ", lines.Take(maxLines));
        if (lines.Length > maxLines) shown += $" | ({lines.Length - maxLines} more lines)";
        return shown.Length == 0 ? $"exit code {ExitCode}, no output" : shown;
    }
}

/// <summary>Runs nft (optionally inside a network namespace) with a timeout; never throws for a missing binary.</summary>
internal sealed class NftRunner(NftOptions options)
{
    public NftOptions Options { get; } = options;

    /// <summary>Where commands run, for messages: "nft" or "nft in namespace x".</summary>
    public string Where => Options.Netns is null ? $"nft ({Options.NftPath})" : $"nft ({Options.NftPath}) in network namespace {Options.Netns}";

    /// <summary>Runs nft with <paramref name="args"/>; fails when it could not run at all (<c>not-installed</c>, <c>not-started</c>, <c>timeout</c>).</summary>
    public async Task<Result<NftRun>> RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        if (!File.Exists(Options.NftPath))
            return Result<NftRun>.Fail("not-installed", $"nft not found at {Options.NftPath}: install the nftables package or fix the configured path");
        if (Options.Netns is not null && !File.Exists(Options.IpPath))
            return Result<NftRun>.Fail("not-installed", $"ip not found at {Options.IpPath}: needed to run nft in network namespace {Options.Netns}");

        var psi = new ProcessStartInfo
        {
            FileName = Options.Netns is null ? Options.NftPath : Options.IpPath,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        if (Options.Netns is not null)
        {
            foreach (var a in new[] { "netns", "exec", Options.Netns, Options.NftPath }) psi.ArgumentList.Add(a);
        }
        foreach (var a in args) psi.ArgumentList.Add(a);

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new Win32Exception("process did not start");
        }
        catch (Win32Exception ex)
        {
            return Result<NftRun>.Fail("not-started", $"{Where} could not be started: {ex.Message}");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Options.CommandTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
                return Result<NftRun>.Fail("timeout", $"{Where} did not finish within {Options.CommandTimeout.TotalSeconds:0} s and was stopped");
            }
            return new NftRun(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
    }

    /// <summary>Writes <paramref name="script"/> to a private temp file, runs <c>nft [-c] -f file</c>, deletes the file; fails as <see cref="RunAsync"/> does or with <c>unwritable</c>.</summary>
    public async Task<Result<NftRun>> RunScriptAsync(string script, bool checkOnly, CancellationToken ct)
    {
        var path = Path.Combine(Options.TempDirectory, $"appliance-nft-{Environment.ProcessId}-{Guid.NewGuid():N}.nft");
        try
        {
            var fileOptions = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
            };
            if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            await using (var stream = new FileStream(path, fileOptions))
            await using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
            {
                await writer.WriteAsync(script.AsMemory(), ct).ConfigureAwait(false);
            }
            return await RunAsync(checkOnly ? ["-c", "-f", path] : ["-f", path], ct).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            return Result<NftRun>.Fail("unwritable", $"could not write the ruleset file {path}: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            return Result<NftRun>.Fail("unwritable", $"could not write the ruleset file {path}: {ex.Message}");
        }
        finally
        {
            try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
