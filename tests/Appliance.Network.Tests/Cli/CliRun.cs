using Appliance.Api.Tests.Support;

namespace Appliance.Network.Tests.Cli;

public static class CliRun
{
    /// <summary>Runs the built appliancectl and asserts its exit code (the output is in the failure message).</summary>
    public static async Task<CliResult> ExpectAsync(this Appliancectl cli, int exitCode, params string[] args)
    {
        var result = await cli.RunAsync(args);
        Assert.True(result.ExitCode == exitCode, $"appliancectl {string.Join(' ', args)}: {result}");
        return result;
    }
}
