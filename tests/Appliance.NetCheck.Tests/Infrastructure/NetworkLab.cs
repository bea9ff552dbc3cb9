using System.Net;
using System.Net.Sockets;
using Appliance.Testing;

namespace Appliance.NetCheck.Tests.Infrastructure;

/// <summary>
/// Three network namespaces joined by veth pairs: a client (the appliance's side), a router doing NAT with nftables,
/// and a server network with two addresses (for RFC 5780). Names start with "appl-test-nc-"; everything is deleted on
/// dispose. Addresses are private and exist only inside these namespaces.
/// </summary>
public sealed class NetworkLab : IAsyncDisposable
{
    public const string Prefix = "appl-test-nc-";

    private NetworkLab(string id)
    {
        Client = $"{Prefix}{id}-c";
        Router = $"{Prefix}{id}-r";
        Server = $"{Prefix}{id}-s";
    }

    public string Client { get; }

    public string Router { get; }

    public string Server { get; }

    public IPAddress ClientAddress { get; } = IPAddress.Parse("10.231.1.2");

    public IPAddress RouterOutside { get; } = IPAddress.Parse("10.231.2.1");

    public IPAddress ServerPrimary { get; } = IPAddress.Parse("10.231.2.2");

    public IPAddress ServerSecondary { get; } = IPAddress.Parse("10.231.2.3");

    public NamespaceSocketFactory ClientSockets => new(Client);

    /// <summary>Builds the lab. <paramref name="natStatement"/> is the nft NAT statement, e.g. "masquerade" or "masquerade random,fully-random".</summary>
    public static async Task<NetworkLab> CreateAsync(string natStatement)
    {
        await CleanStaleAsync();
        var lab = new NetworkLab(Guid.NewGuid().ToString("N")[..6]);
        try
        {
            await lab.BuildAsync(natStatement);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    private async Task BuildAsync(string natStatement)
    {
        foreach (var ns in new[] { Client, Router, Server })
        {
            await Proc.CheckAsync("ip", "netns", "add", ns);
            await Exec(ns, "ip", "link", "set", "lo", "up");
        }

        // veth names live inside the namespaces; create them in the router namespace so the root has none.
        await Exec(Router, "ip", "link", "add", "r0", "type", "veth", "peer", "name", "c0", "netns", Client);
        await Exec(Router, "ip", "link", "add", "r1", "type", "veth", "peer", "name", "s0", "netns", Server);
        await Exec(Client, "ip", "addr", "add", $"{ClientAddress}/24", "dev", "c0");
        await Exec(Client, "ip", "link", "set", "c0", "up");
        await Exec(Client, "ip", "route", "add", "default", "via", "10.231.1.1");
        await Exec(Router, "ip", "addr", "add", "10.231.1.1/24", "dev", "r0");
        await Exec(Router, "ip", "addr", "add", $"{RouterOutside}/24", "dev", "r1");
        await Exec(Router, "ip", "link", "set", "r0", "up");
        await Exec(Router, "ip", "link", "set", "r1", "up");
        await Exec(Router, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        await Exec(Server, "ip", "addr", "add", $"{ServerPrimary}/24", "dev", "s0");
        await Exec(Server, "ip", "addr", "add", $"{ServerSecondary}/24", "dev", "s0");
        await Exec(Server, "ip", "link", "set", "s0", "up");
        await NftAsync(Router, $$"""
            table ip appl_test_nat {
              chain postrouting {
                type nat hook postrouting priority srcnat; policy accept;
                oifname "r1" {{natStatement}}
              }
            }
            """);
    }

    /// <summary>Loads an nft ruleset into a namespace (the test's own "firewall").</summary>
    public async Task NftAsync(string ns, string ruleset)
    {
        var file = Path.Combine(Path.GetTempPath(), $"appl-nc-{Guid.NewGuid():N}.nft");
        await File.WriteAllTextAsync(file, ruleset);
        try
        {
            await Exec(ns, "nft", "-f", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static Task<string> Exec(string ns, string file, params string[] args)
        => Proc.CheckAsync("ip", ["netns", "exec", ns, file, .. args]);

    /// <summary>Polls a TCP port from inside a namespace.</summary>
    public static Task TcpListeningAsync(string ns, IPAddress address, int port, Func<string>? diagnostics = null)
        => Eventually.UntilAsync(async () =>
        {
            using var socket = new NamespaceSocketFactory(ns).Create(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.ConnectAsync(new IPEndPoint(address, port), cts.Token);
            return true;
        }, $"TCP {address}:{port} in {ns}", diagnostics: diagnostics);

    public async ValueTask DisposeAsync()
    {
        foreach (var ns in new[] { Client, Router, Server })
        {
            await Proc.RunAsync("ip", ["netns", "delete", ns]);
        }
    }

    /// <summary>Deletes namespaces left behind by a crashed earlier run (older than a few minutes).</summary>
    private static async Task CleanStaleAsync()
    {
        if (!Directory.Exists("/run/netns"))
        {
            return;
        }

        foreach (var path in Directory.GetFiles("/run/netns", Prefix + "*"))
        {
            if (File.GetCreationTimeUtc(path) < DateTime.UtcNow.AddMinutes(-10))
            {
                await Proc.RunAsync("ip", ["netns", "delete", Path.GetFileName(path)]);
            }
        }
    }
}
