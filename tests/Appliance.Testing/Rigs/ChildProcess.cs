using System.Diagnostics;

namespace Appliance.Testing;

/// <summary>Ending a peer process a test started itself (with pipes, outside <see cref="PeerProcess"/>).</summary>
public static class ChildProcess
{
    /// <summary>Kills the process and its children if still running, waits up to 10 s for it, and disposes it.</summary>
    public static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(10000);
        }
        catch (InvalidOperationException)
        {
        }
        process.Dispose();
    }
}
