using System.Diagnostics;
using Appliance.Testing;

namespace Appliance.Cloud.Tests.Support;

/// <summary>Runs the built <c>fleetctl</c> as a process with the fleet's certificate against a broker.</summary>
public sealed class Fleetctl(TestPki pki, int port)
{
    private static string Dll => Path.Combine(RepoPaths.Root, "tools", "Fleetctl", "bin", RepoPaths.Configuration, "net10.0", "fleetctl.dll");

    public async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => await RunWithAsync(pki.CaPath, args);

    public async Task<(int Exit, string Out, string Err)> RunWithAsync(string ca, params string[] args)
    {
        var (cert, key) = pki.Client("fleet");
        var info = new ProcessStartInfo("dotnet", [Dll, .. args, "--broker", $"127.0.0.1:{port}", "--ca", ca, "--cert", cert, "--key", key])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Starts fleetctl and leaves it running (e.g. <c>watch</c>); the caller waits for it.</summary>
    public Process Start(params string[] args)
    {
        var (cert, key) = pki.Client("fleet");
        var info = new ProcessStartInfo("dotnet", [Dll, .. args, "--broker", $"127.0.0.1:{port}", "--ca", pki.CaPath, "--cert", cert, "--key", key])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        return Process.Start(info)!;
    }
}
