using System.Diagnostics;
using Appliance.Testing;

namespace Appliance.PluginRepository.Tests.Support;

/// <summary>A built .NET program of this checkout (appliancectl, plugin-repo) run as a process: exit code, stdout, stderr.</summary>
public static class DotnetProgram
{
    public static string Dll(string project, string assembly) =>
        Path.Combine(RepoPaths.Root, "tools", project, "bin", RepoPaths.Configuration, "net10.0", assembly + ".dll");

    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string dll, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet", [dll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
