using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Appliance.Plugins.Onvif.Simulator;

/// <summary>
/// Two network namespaces (<c>appl-test-onvif-&lt;pid&gt;-&lt;n&gt;-a|b</c>) joined by a veth pair, each with a multicast route
/// (<c>224.0.0.0/4 dev veth</c>), so WS-Discovery and mDNS run over real multicast without touching any other network.
/// IPv6: duplicate address detection is off on the veths (their link-local addresses are usable at once) and each side
/// also gets a unique-local address (<c>fd00:a11:&lt;subnet&gt;::1|2/64</c>).
/// Sockets are created inside a namespace from a dedicated thread that entered it with setns(2); a socket keeps the
/// namespace it was created in. Deleted on dispose; stale namespaces of dead test processes are removed on creation.
/// </summary>
public sealed class NetworkNamespacePair : IDisposable
{
    private const int CloneNewNet = 0x40000000;

    private NetworkNamespacePair(string a, string b, string vethA, string vethB, IPAddress addressA, IPAddress addressB, IPAddress address6A, IPAddress address6B)
    {
        (NameA, NameB, VethA, VethB, AddressA, AddressB, Address6A, Address6B) = (a, b, vethA, vethB, addressA, addressB, address6A, address6B);
    }

    public string NameA { get; }
    public string NameB { get; }
    public string VethA { get; }
    public string VethB { get; }
    public IPAddress AddressA { get; }
    public IPAddress AddressB { get; }
    public IPAddress Address6A { get; }
    public IPAddress Address6B { get; }

    public static NetworkNamespacePair Create()
    {
        RemoveStale();
        var pid = Environment.ProcessId;
        var n = Random.Shared.Next(100000, 1000000);
        var a = $"appl-test-onvif-{pid}-{n}-a";
        var b = $"appl-test-onvif-{pid}-{n}-b";
        var vethA = $"aov{n}a";
        var vethB = $"aov{n}b";
        var subnet = n % 250 + 1;
        var addressA = IPAddress.Parse($"10.231.{subnet}.1");
        var addressB = IPAddress.Parse($"10.231.{subnet}.2");
        var address6A = IPAddress.Parse($"fd00:a11:{subnet:x}::1");
        var address6B = IPAddress.Parse($"fd00:a11:{subnet:x}::2");
        var pair = new NetworkNamespacePair(a, b, vethA, vethB, addressA, addressB, address6A, address6B);
        try
        {
            Ip($"netns add {a}");
            Ip($"netns add {b}");
            Ip($"link add {vethA} type veth peer name {vethB}");
            Ip($"link set {vethA} netns {a}");
            Ip($"link set {vethB} netns {b}");
            foreach (var (ns, veth, address, address6) in new[] { (a, vethA, addressA, address6A), (b, vethB, addressB, address6B) })
            {
                Ip($"netns exec {ns} sysctl -qw net.ipv6.conf.{veth}.accept_dad=0");
                Ip($"-n {ns} addr add {address}/24 dev {veth}");
                Ip($"-n {ns} addr add {address6}/64 dev {veth} nodad");
                Ip($"-n {ns} link set lo up");
                Ip($"-n {ns} link set {veth} up");
                Ip($"-n {ns} route add 224.0.0.0/4 dev {veth}");
            }
            return pair;
        }
        catch
        {
            pair.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="create"/> on a thread inside namespace <paramref name="name"/> (e.g. to create sockets there).</summary>
    public static T InNamespace<T>(string name, Func<T> create)
    {
        T? result = default;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/var/run/netns/{name}");
                if (setns((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                    throw new InvalidOperationException($"setns({name}) failed: errno {Marshal.GetLastPInvokeError()}");
                result = create();
            }
            catch (Exception ex) { error = ex; }
        })
        { IsBackground = true, Name = $"netns {name}" };
        thread.Start();
        thread.Join();
        if (error is not null) throw new InvalidOperationException($"in namespace {name}: {error.Message}", error);
        return result!;
    }

    /// <summary>A UDP socket in <paramref name="name"/>, SO_REUSEADDR, bound to <paramref name="port"/>, joined to <paramref name="group"/>.</summary>
    public static Socket MulticastSocket(string name, int port, IPAddress group) => InNamespace(name, () =>
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(IPAddress.Any, port));
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(group));
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 1);
        return socket;
    });

    /// <summary>
    /// An IPv6-only UDP socket in <paramref name="name"/>, SO_REUSEADDR, bound to [::]:<paramref name="port"/>, joined to the
    /// link-local <paramref name="group"/> on <paramref name="veth"/>, hop limit 1. Returns the socket and the group endpoint
    /// (with the interface as scope) to send to.
    /// </summary>
    public static (Socket Socket, IPEndPoint Group) MulticastSocket6(string name, string veth, int port, IPAddress group) => InNamespace(name, () =>
    {
        var index = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces().Single(n => n.Name == veth).GetIPProperties().GetIPv6Properties().Index;
        var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = false };
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
        socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(group, index));
        socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive, 1);
        return (socket, new IPEndPoint(new IPAddress(group.GetAddressBytes(), index), port));
    });

    /// <summary>A listening TCP socket in <paramref name="name"/> on <paramref name="address"/> (port chosen by the system).</summary>
    public static Socket TcpListener(string name, IPAddress address) => InNamespace(name, () =>
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        socket.Listen(64);
        return socket;
    });

    public void Dispose()
    {
        foreach (var ns in new[] { NameA, NameB })
        {
            foreach (var pid in Pids(ns))
            {
                try { Process.GetProcessById(pid).Kill(entireProcessTree: true); }
                catch (ArgumentException) { }
                catch (InvalidOperationException) { }
            }
            TryIp($"netns del {ns}");
        }
    }

    private static IEnumerable<int> Pids(string ns)
    {
        var (code, output) = Run("ip", $"netns pids {ns}");
        return code != 0 ? [] : output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(p => int.TryParse(p, out var v) ? v : 0).Where(p => p > 0 && p != Environment.ProcessId);
    }

    /// <summary>Deletes <c>appl-test-onvif-&lt;pid&gt;-*</c> namespaces whose test process is gone.</summary>
    private static void RemoveStale()
    {
        var (_, list) = Run("ip", "netns list");
        foreach (var line in list.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            if (!name.StartsWith("appl-test-onvif-", StringComparison.Ordinal)) continue;
            var parts = name.Split('-');
            if (parts.Length < 5 || !int.TryParse(parts[3], out var owner)) continue;
            if (owner == Environment.ProcessId || Directory.Exists($"/proc/{owner}")) continue;
            TryIp($"netns del {name}");
        }
    }

    private static void Ip(string arguments)
    {
        var (code, output) = Run("ip", arguments);
        if (code != 0) throw new InvalidOperationException($"ip {arguments} failed ({code}): {output}");
    }

    private static void TryIp(string arguments) => Run("ip", arguments);

    public static (int ExitCode, string Output) Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30000)) { process.Kill(true); return (-1, "timeout"); }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setns(int fd, int nstype);
}
