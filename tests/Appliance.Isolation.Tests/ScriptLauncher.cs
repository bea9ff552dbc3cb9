using System.Diagnostics;
using Appliance.Isolation.Supervision;

namespace Appliance.Isolation.Tests;

/// <summary>Runs the python script (argument: the control socket's path) instead of the plugin host for plugin
/// <paramref name="pluginId"/>; real plugin hosts for the rest.</summary>
internal sealed class ScriptLauncher(string script, IPluginProcessLauncher real, string pluginId = "test.hostile") : IPluginProcessLauncher
{
    public int LastScriptPid { get; private set; }

    public IPluginProcess Launch(PluginProcessStart start)
    {
        if (start.Plugin.PluginId != pluginId) return real.Launch(start);
        var process = Process.Start(new ProcessStartInfo("setsid", ["python3", "-c", script, start.SocketPath]) { UseShellExecute = false })!;
        LastScriptPid = process.Id;
        return new ScriptProcess(process);
    }

    private sealed class ScriptProcess(Process process) : IPluginProcess
    {
        public int Pid => process.Id;

        public Task<ProcessEnd> Exited { get; } = WaitAsync(process);

        private static async Task<ProcessEnd> WaitAsync(Process p)
        {
            await p.WaitForExitAsync();
            return new ProcessEnd(p.ExitCode);
        }

        public void Kill()
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        }

        public void Dispose() => process.Dispose();
    }
}
