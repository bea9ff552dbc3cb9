using System.Net;
using Appliance.NetCheck.Tests.Infrastructure;
using Appliance.Testing;

namespace Appliance.NetCheck.Tests.Peers;

/// <summary>dnsmasq as a local authoritative-only DNS server: no upstream (--no-resolv), names given with --address.</summary>
public sealed class Dnsmasq : IDisposable
{
    private readonly PeerProcess _process;

    private Dnsmasq(PeerProcess process, IPEndPoint endPoint)
    {
        _process = process;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    /// <param name="records">name -> address; everything else under <paramref name="localDomain"/> is NXDOMAIN.</param>
    public static async Task<Dnsmasq> StartAsync(TempDir dir, string localDomain, IReadOnlyDictionary<string, IPAddress> records)
    {
        var port = FreePort.UdpAndTcp();
        var args = new List<string>
        {
            "--keep-in-foreground", "--no-daemon", "--no-resolv", "--no-hosts", "--no-poll", "--conf-file=/dev/null",
            "--listen-address=127.0.0.1", "--bind-interfaces", $"--port={port}", "--user=root",
            $"--pid-file={dir.File($"dnsmasq-{port}.pid")}", $"--local=/{localDomain}/", "--log-queries",
        };
        args.AddRange(records.Select(r => $"--address=/{r.Key}/{r.Value}"));
        var process = PeerProcess.Start("dnsmasq", args, dir.File($"dnsmasq-{port}.log"));
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
