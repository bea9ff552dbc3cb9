using System.Diagnostics;

namespace Appliance.PluginRepository.Tests.Support;

/// <summary>curl as the reference client: <c>bash -c</c> with a pipeline, its stdout and exit code.</summary>
public static class Curl
{
    public static async Task<(int Code, string Output)> ShellAsync(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await output) + (await error));
    }
}
