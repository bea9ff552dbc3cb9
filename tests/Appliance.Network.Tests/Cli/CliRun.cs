using Appliance.Api.Tests.Support;

namespace Appliance.Network.Tests.Cli;

public static class CliRun
{
    /// <summary>Runs the built appliancectl and asserts its exit code (the output is in the failure message).</summary>
    public static Task<CliResult> ExpectAsync(this Appliancectl cli, int exitCode, params string[] args) => cli.ExpectAsync(exitCode, args);
}
