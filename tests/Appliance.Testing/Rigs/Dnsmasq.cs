using System.Net;

namespace Appliance.Testing;

/// <summary>dnsmasq as a local authoritative-only DNS server on a free loopback port: no upstream (--no-resolv), names given with --address. Stopped by its own pid.</summary>
public sealed class Dnsmasq : IDisposable
{
    private readonly PeerProcess _process;

    private Dnsmasq(PeerProcess process, IPEndPoint endPoint)
    {
        _process = process;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    /// <param name="records">name -> address (a name also covers every name under it); everything else under <paramref name="localDomain"/> is NXDOMAIN.</param>
    /// <param name="missing">names (and the names under them) that are NXDOMAIN even below a name of <paramref name="records"/>.</param>
    public static async Task<Dnsmasq> StartAsync(string folder, string localDomain, IReadOnlyDictionary<string, IPAddress> records, IEnumerable<string>? missing = null)
    {
        var port = FreePort.UdpAndTcp();
        var args = new List<string>
        {
            "--keep-in-foreground", "--no-daemon", "--no-resolv", "--no-hosts", "--no-poll", "--conf-file=/dev/null",
            "--listen-address=127.0.0.1", "--bind-interfaces", $"--port={port}", "--user=root",
            $"--pid-file={Path.Combine(folder, $"dnsmasq-{port}.pid")}", $"--local=/{localDomain}/", "--log-queries",
        };
        args.AddRange(records.Select(r => $"--address=/{r.Key}/{r.Value}"));
        args.AddRange((missing ?? []).Select(name => $"--address=/{name}/"));
        var process = PeerProcess.Start("dnsmasq", args, Path.Combine(folder, $"dnsmasq-{port}.log"));
        var dns = new Dnsmasq(process, new IPEndPoint(IPAddress.Loopback, port));
        try
        {
            await Eventually.TcpListeningAsync(IPAddress.Loopback, port, process.Log);
            return dns;
        }
        catch
        {
            dns.Dispose();
            throw;
        }
    }

    public void Stop() => _process.Stop();

    public void Dispose() => _process.Dispose();
}
