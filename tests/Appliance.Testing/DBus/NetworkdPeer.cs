using System.Diagnostics;
using System.Text;

namespace Appliance.Testing.DBus;

/// <summary>
/// A real <c>systemd-networkd</c> (Debian's, /lib/systemd/systemd-networkd) for one test: on a <see cref="PrivateBus"/>
/// (<c>DBUS_SYSTEM_BUS_ADDRESS</c>), in a network namespace of its own with a veth pair (<see cref="Interface"/>
/// managed, its peer up so the link has carrier), and in a mount namespace where <c>/etc/systemd/network</c> is
/// <see cref="Directory"/> and <c>/run/systemd/netif</c> a temporary folder, so the machine's own files are never
/// read or written. <see cref="Directory"/> starts with one file like the image's default for wired ports (DHCP and an
/// IPv4 link-local address). Needs root.
/// </summary>
public sealed class NetworkdPeer : IAsyncDisposable
{
    public const string Executable = "/lib/systemd/systemd-networkd";
    public const string DefaultFile = "80-test-wired.network";
    private readonly Process _process;
    private readonly BareNetns _netns;
    private readonly string _run;
    private readonly StringBuilder _log = new();

    private NetworkdPeer(Process process, BareNetns netns, string directory, string run)
    {
        _process = process;
        _netns = netns;
        Directory = directory;
        _run = run;
    }

    /// <summary>The managed interface (one end of the veth pair).</summary>
    public string Interface => "v0";

    /// <summary>What networkd sees as /etc/systemd/network; the code under test writes its files here.</summary>
    public string Directory { get; }

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    public static async Task<NetworkdPeer> StartAsync(PrivateBus bus)
    {
        var netns = BareNetns.Create("nwd");
        var directory = System.IO.Directory.CreateTempSubdirectory("appl-networkd-").FullName;
        var run = System.IO.Directory.CreateTempSubdirectory("appl-netif-").FullName;
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101); // networkd reads it as its own user
        try
        {
            netns.Ip("link add v0 type veth peer name v1");
            netns.Ip("link set v1 up");
            await File.WriteAllTextAsync(Path.Combine(directory, DefaultFile),
                "[Match]\nName=v0\n\n[Network]\nDHCP=yes\nLinkLocalAddressing=ipv4\n\n[Route]\nDestination=224.0.0.0/4\nMetric=2048\n");
            System.IO.Directory.CreateDirectory("/run/systemd/netif");
            // unshare: a private mount namespace (util-linux makes it private), where the two folders replace the
            // machine's; ip netns exec then enters the network namespace from inside it. /sys read-only: there is no
            // udev here, and networkd waits for udev's word on every link unless /sys is read-only (as in a container).
            var script = $"mount --bind {directory} /etc/systemd/network && mount --bind {run} /run/systemd/netif && chown systemd-network:systemd-network {run} && chmod 0755 {run} "
                + $"&& exec ip netns exec {netns.Name} sh -c 'mount -o remount,ro /sys && exec {Executable}'";
            var info = new ProcessStartInfo("unshare", ["-m", "sh", "-c", script])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.Environment["DBUS_SYSTEM_BUS_ADDRESS"] = bus.Address;
            info.Environment["SYSTEMD_LOG_LEVEL"] = "debug";
            info.Environment["SYSTEMD_LOG_TARGET"] = "console";
            var process = Process.Start(info) ?? throw new InvalidOperationException("systemd-networkd did not start");
            var peer = new NetworkdPeer(process, netns, directory, run);
            process.OutputDataReceived += (_, e) => peer.Append(e.Data);
            process.ErrorDataReceived += (_, e) => peer.Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await Eventually.UntilAsync(async () =>
                {
                    if (process.HasExited) return true;
                    var (code, output, _) = await bus.BusctlAsync("call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                        "NameHasOwner", "s", "org.freedesktop.network1");
                    return code == 0 && output.Trim() == "b true";
                }, "systemd-networkd owning org.freedesktop.network1", TimeSpan.FromSeconds(30), () => peer.Log);
                if (process.HasExited) throw new InvalidOperationException($"systemd-networkd exited with {process.ExitCode}:\n{peer.Log}");
                // Then until it has matched v0 with its file (a link is "pending" for a moment after networkd starts).
                var index = netns.Ip("-o link show dev v0").Split(':')[0].Trim();
                await Eventually.UntilAsync(async () =>
                {
                    var (code, output, _) = await bus.BusctlAsync("call", "org.freedesktop.network1", "/org/freedesktop/network1",
                        "org.freedesktop.network1.Manager", "DescribeLink", "i", index);
                    return code == 0 && output.Contains("NetworkFile", StringComparison.Ordinal);
                }, "systemd-networkd configuring v0", TimeSpan.FromSeconds(30), () => peer.Log);
            }
            catch
            {
                await peer.DisposeAsync();
                throw;
            }
            return peer;
        }
        catch
        {
            // (after a failed wait the peer has disposed the namespace already; a second Dispose is harmless)
            netns.Dispose();
            throw;
        }
    }

    /// <summary><c>ip -n NS ...</c> of the peer's namespace (addresses and routes the kernel really has).</summary>
    public string Ip(string arguments) => _netns.Ip(arguments);

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log)
            if (_log.Length < 256 * 1024) _log.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
        }
        _process.Dispose();
        _netns.Dispose();
        foreach (var folder in new[] { Directory, _run })
            if (System.IO.Directory.Exists(folder)) System.IO.Directory.Delete(folder, recursive: true);
    }
}
