using Appliance.Host.Plugins;
using Appliance.Isolation.Supervision;
using Xunit;

namespace Appliance.Isolation.Tests;

/// <summary>
/// An isolated plugin whose process does not get through its start within <c>plugins.startTimeoutSeconds</c> (a
/// slow board or an emulator, or a real hang) is quarantined with the timeout and the part of the start it was
/// waiting for: the process's runtime (not connected), the handshake, or the plugin's own start. The child is a
/// real process (python3) that is slow in the one part.
/// </summary>
public sealed class SlowStartTests
{
    private const string Connect = "import socket,sys,time\ns=socket.socket(socket.AF_UNIX);s.connect(sys.argv[1])\n";

    [Theory]
    [InlineData("never connects", "import time\ntime.sleep(60)", "launched, waiting for connected at ")]
    [InlineData("connects, never says hello", Connect + "time.sleep(60)", "connected after ")]
    public async Task A_start_that_times_out_says_what_it_was_waiting_for(string name, string script, string expected)
    {
        var launcher = new ScriptLauncher(script, new ChildProcessLauncher(), "test.slow");
        await using var h = await IsolationHarness.StartAsync(launcher: launcher, startTimeoutSeconds: 3);

        await h.InstallProbeAsync("test.slow", "camera/slow");
        var status = await IsolationHarness.Eventually(() => Task.FromResult(h.Manager.Get("test.slow")!),
            s => s.State == PluginState.Quarantined, what: "quarantine of a child that " + name);

        Assert.Contains("within 3 s", status.Error);
        Assert.Contains(expected, status.Error);
        Assert.DoesNotContain("TaskCanceledException", status.Error);
    }
}
