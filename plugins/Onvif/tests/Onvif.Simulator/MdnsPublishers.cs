using System.Diagnostics;
using System.Security;
using System.Text;

namespace Appliance.Plugins.Onvif.Simulator;

/// <summary>
/// A real mDNS responder publishing one DNS-SD service inside a test namespace, stopped (by its pid) on dispose:
/// avahi-daemon (own config, D-Bus off, no chroot / privilege drop, a private tmpfs runtime dir and services dir bind-mounted
/// in the mount namespace <c>ip netns exec</c> creates), or python3-zeroconf.
/// </summary>
public sealed class MdnsPublisher : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output = new();

    private MdnsPublisher(Process process, string directory)
    {
        _process = process;
        _directory = directory;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>avahi-daemon in <paramref name="ns"/> on <paramref name="interfaceName"/>, over IPv4 only, or IPv6 only (ff02::fb) when <paramref name="ipv6"/>.</summary>
    public static MdnsPublisher Avahi(string ns, string interfaceName, string instance, string type, int port, IReadOnlyDictionary<string, string> txt, bool ipv6 = false)
    {
        var dir = Directory.CreateTempSubdirectory("appl-onvif-avahi-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "services"));
        File.WriteAllText(Path.Combine(dir, "avahi-daemon.conf"), $"""
            [server]
            host-name=simcam-{Environment.ProcessId}
            domain-name=local
            use-ipv4={(ipv6 ? "no" : "yes")}
            use-ipv6={(ipv6 ? "yes" : "no")}
            allow-interfaces={interfaceName}
            enable-dbus=no
            [wide-area]
            enable-wide-area=no
            [publish]
            publish-hinfo=no
            publish-workstation=no
            """);
        File.WriteAllText(Path.Combine(dir, "services", "camera.service"), $"""
            <?xml version="1.0" standalone='no'?>
            <service-group>
              <name>{SecurityElement.Escape(instance)}</name>
              <service>
                <type>{type}</type>
                <port>{port}</port>
            {string.Concat(txt.Select(t => $"    <txt-record>{SecurityElement.Escape(t.Key)}={SecurityElement.Escape(t.Value)}</txt-record>\n"))}  </service>
            </service-group>
            """);
        var script = $"mount -t tmpfs tmpfs /run/avahi-daemon && mount --bind {dir}/services /etc/avahi/services && " +
                     $"exec avahi-daemon --no-drop-root --no-chroot --no-rlimits --no-proc-title -f {dir}/avahi-daemon.conf";
        Directory.CreateDirectory("/run/avahi-daemon");
        return Start(dir, "ip", ["netns", "exec", ns, "sh", "-c", script]);
    }

    public static MdnsPublisher Zeroconf(string ns, string address, string instance, string type, int port, IReadOnlyDictionary<string, string> txt)
    {
        var dir = Directory.CreateTempSubdirectory("appl-onvif-zeroconf-").FullName;
        var properties = string.Join(", ", txt.Select(t => $"'{t.Key}': '{t.Value}'"));
        File.WriteAllText(Path.Combine(dir, "publish.py"), $$"""
            import socket, sys, time
            from zeroconf import IPVersion, ServiceInfo, Zeroconf
            info = ServiceInfo("{{type}}.local.", "{{instance}}.{{type}}.local.", addresses=[socket.inet_aton("{{address}}")],
                               port={{port}}, properties={ {{properties}} }, server="zeroconf-cam.local.")
            zc = Zeroconf(interfaces=["{{address}}"], ip_version=IPVersion.V4Only)
            zc.register_service(info)
            print("Service established", flush=True)
            while True:
                time.sleep(1)
            """);
        return Start(dir, "ip", ["netns", "exec", ns, "/usr/bin/python3", Path.Combine(dir, "publish.py")]);
    }

    private static MdnsPublisher Start(string dir, string file, string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        return new MdnsPublisher(Process.Start(info)!, dir);
    }

    /// <summary>Waits (polling) until the responder says its service is established; false if it exited or the time ran out.</summary>
    public async Task<bool> WaitEstablishedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Output.Contains("established", StringComparison.OrdinalIgnoreCase)) return true;
            if (_process.HasExited) return false;
            await Task.Delay(100);
        }
        return false;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { }
    }
}
