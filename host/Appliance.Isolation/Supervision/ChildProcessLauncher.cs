using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Appliance.Isolation.Supervision;

/// <summary>
/// Runs the plugin host as a plain child process: <c>setsid</c> (its own process group, so a child that forks away is
/// killed with everything it started), <c>prlimit</c> for open files, <c>setpriv</c> to drop to
/// <see cref="SupervisorOptions.RunAsUser"/> when the host is root, and the managed-heap hard limit for memory
/// (<c>DOTNET_GCHeapHardLimit</c>; an address-space rlimit would stop the .NET runtime from reserving its heap).
/// Every wrapper execs in place, so the pid the host sees is the plugin host's. The CPU share needs a cgroup: the
/// systemd template unit of the image sets <c>CPUQuota=</c>; a plain child runs without one.
/// </summary>
public sealed partial class ChildProcessLauncher : IPluginProcessLauncher
{
    public IPluginProcess Launch(PluginProcessStart start)
    {
        var info = new ProcessStartInfo("setsid") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        var args = info.ArgumentList;
        if (start.Options.RunAsUser is { } user && geteuid() == 0)
        {
            var (uid, gid) = LookUpUser(user);
            args.Add("setpriv");
            args.Add($"--reuid={uid}");
            args.Add($"--regid={gid}");
            args.Add("--clear-groups");
            args.Add("--");
        }
        if (start.Plugin.Limits.OpenFiles is { } files)
        {
            args.Add("prlimit");
            args.Add($"--nofile={files}:{files}");
            args.Add("--");
        }
        if (start.Options.PluginHostPath.EndsWith(".dll", StringComparison.Ordinal))
        {
            args.Add(Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet");
        }
        args.Add(start.Options.PluginHostPath);
        args.Add("--socket");
        args.Add(start.SocketPath);
        args.Add("--plugin");
        args.Add(Path.Combine(start.Plugin.RuntimeFolder, start.Plugin.EntryAssembly));
        args.Add("--id");
        args.Add(start.Plugin.PluginId);
        args.Add("--max-frame");
        args.Add(start.Options.MaxFramePayload.ToString(CultureInfo.InvariantCulture));
        info.Environment["APPLIANCE_ISOLATION_TOKEN"] = start.Token;
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_GCgen0size"] = "0x400000";
        if (start.Plugin.Limits.MemoryMiB is { } mib)
            info.Environment["DOTNET_GCHeapHardLimit"] = "0x" + ((long)mib * 1024 * 1024).ToString("X", CultureInfo.InvariantCulture);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the plugin host");
        return new ChildProcess(process);
    }

    private static (int Uid, int Gid) LookUpUser(string user)
    {
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var fields = line.Split(':');
            if (fields.Length > 3 && fields[0] == user)
                return (int.Parse(fields[2], CultureInfo.InvariantCulture), int.Parse(fields[3], CultureInfo.InvariantCulture));
        }
        throw new InvalidOperationException($"user '{user}' (isolation.runAsUser) does not exist");
    }

    [LibraryImport("libc")]
    private static partial uint geteuid();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    /// <summary>A started child; its output goes to the host's log through <see cref="Output"/>.</summary>
    private sealed class ChildProcess : IPluginProcess
    {
        private readonly Process _process;

        public ChildProcess(Process process)
        {
            _process = process;
            Pid = process.Id;
            Exited = WaitAsync();
            // Drain output so a chatty child never blocks on a full pipe.
            _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
            _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null);
        }

        public int Pid { get; }

        public Task<ProcessEnd> Exited { get; }

        private async Task<ProcessEnd> WaitAsync()
        {
            await _process.WaitForExitAsync();
            return new ProcessEnd(_process.ExitCode);
        }

        public void Kill()
        {
            // The whole group (setsid made the child its leader), then the child itself in case it left the group.
            kill(-Pid, 9);
            kill(Pid, 9);
        }

        public void Dispose() => _process.Dispose();
    }
}
