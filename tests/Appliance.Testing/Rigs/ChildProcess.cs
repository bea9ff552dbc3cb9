using System.Diagnostics;

namespace Appliance.Testing;

/// <summary>Ending a peer process a test started itself (with pipes, outside <see cref="PeerProcess"/>).</summary>
public static class ChildProcess
{
    /// <summary>Kills the process and its children if still running, waits up to 10 s for it, and disposes it.</summary>
    public static void Stop(Process process)
    {
        if (Kill(process)) process.WaitForExit(10000);
        process.Dispose();
    }

    /// <summary>The same, awaited without a limit (a killed process ends).</summary>
    public static async Task StopAsync(Process process)
    {
        if (Kill(process)) await process.WaitForExitAsync();
        process.Dispose();
    }

    /// <summary>False when there is no process to wait for (never started, or already gone from this object).</summary>
    private static bool Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
