using System.Diagnostics;

namespace Appliance.Plugins.Rtsp.Plugin.Tests;

/// <summary>
/// A network namespace made by the test (name prefix appl-test-rtsp-) joined to the test's namespace by a veth
/// pair on a /30 of its own; nftables inside it can drop a port. Deleted on dispose (the veth goes with it).
/// </summary>
public sealed class NetNamespace : IDisposable
{
    private const string Prefix = "appl-test-rtsp-";

    private NetNamespace(string name, string hostAddress, string peerAddress)
    {
        Name = name;
        HostAddress = hostAddress;
        PeerAddress = peerAddress;
    }

    public string Name { get; }

    /// <summary>Our side of the veth (in the test's namespace).</summary>
    public string HostAddress { get; }

    /// <summary>The namespace's side: servers started inside listen here.</summary>
    public string PeerAddress { get; }

    public static NetNamespace Create()
    {
        RemoveStale();
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
        var octet = Random.Shared.Next(0, 64) * 4;
        var name = Prefix + id;
        var ns = new NetNamespace(name, $"10.231.{Random.Shared.Next(1, 255)}.{octet + 1}", "");
        ns = new NetNamespace(name, ns.HostAddress, ns.HostAddress[..ns.HostAddress.LastIndexOf('.')] + $".{octet + 2}");
        try
        {
            Run("ip", $"netns add {name}");
            Run("ip", $"link add ar{id}a type veth peer name ar{id}b");
            Run("ip", $"link set ar{id}b netns {name}");
            Run("ip", $"addr add {ns.HostAddress}/30 dev ar{id}a");
            Run("ip", $"link set ar{id}a up");
            Run("ip", $"netns exec {name} ip addr add {ns.PeerAddress}/30 dev ar{id}b");
            Run("ip", $"netns exec {name} ip link set ar{id}b up");
            Run("ip", $"netns exec {name} ip link set lo up");
            return ns;
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    /// <summary>Drops TCP to and from <paramref name="port"/> inside the namespace (both directions, so nothing gets through).</summary>
    public void DropTcpPort(int port) => Nft($$"""
        table inet appl_test_drop {
          chain input { type filter hook input priority 0; policy accept; tcp dport {{port}} drop; }
          chain output { type filter hook output priority 0; policy accept; tcp sport {{port}} drop; }
        }
        """);

    /// <summary>Drops every UDP datagram leaving the namespace (RTSP over TCP still works, RTP over UDP never arrives).</summary>
    public void DropUdp() => Nft("""
        table inet appl_test_drop {
          chain output { type filter hook output priority 0; policy accept; meta l4proto udp drop; }
        }
        """);

    public void AcceptAgain() => Run("ip", $"netns exec {Name} nft delete table inet appl_test_drop");

    public void Dispose()
    {
        try { Run("ip", $"netns del {Name}"); } catch (InvalidOperationException) { }
    }

    private void Nft(string script)
    {
        var file = Path.Combine(Path.GetTempPath(), $"{Name}.nft");
        File.WriteAllText(file, script);
        try { Run("ip", $"netns exec {Name} nft -f {file}"); }
        finally { File.Delete(file); }
    }

    private static void RemoveStale()
    {
        var list = Run("ip", "netns list");
        foreach (var line in list.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            if (name.StartsWith(Prefix, StringComparison.Ordinal))
                try { Run("ip", $"netns del {name}"); } catch (InvalidOperationException) { }
        }
    }

    private static string Run(string file, string args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(30000)) { p.Kill(); throw new InvalidOperationException($"{file} {args}: timed out"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {args}: exit {p.ExitCode}: {error}");
        return output;
    }
}
