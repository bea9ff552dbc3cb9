using System.Net;
using System.Net.Sockets;
using Appliance.NetCheck.Net;
using Appliance.NetCheck.Stun;
using Appliance.NetCheck.Tests.Infrastructure;
using Appliance.Testing;

namespace Appliance.NetCheck.Tests.Peers;

/// <summary>
/// coturn as a STUN-only server. With two listening IPs it supports RFC 5780 (OTHER-ADDRESS, CHANGE-REQUEST):
/// on the host 127.0.0.1 and 127.0.0.2, in a lab namespace the server network's two addresses.
/// </summary>
public sealed class Coturn : IDisposable
{
    private readonly PeerProcess _process;

    private Coturn(PeerProcess process, IPEndPoint primary)
    {
        _process = process;
        Primary = primary;
    }

    public IPEndPoint Primary { get; }

    public int Pid => _process.Pid;

    public static async Task<Coturn> StartAsync(TempDir dir, IPAddress[] listeningIps, string? netns = null, ISocketFactory? probeSockets = null)
    {
        var port = FreePort.UdpAndTcp();
        var alt = FreePort.UdpAndTcp();
        var args = new List<string> { "-n", "-S", "--no-cli", "--no-tls", "--no-dtls", "--log-file=stdout", "--simple-log",
            $"--listening-port={port}", $"--alt-listening-port={alt}", $"--pidfile={dir.File($"turn-{port}.pid")}",
            $"--userdb={dir.File($"turndb-{port}")}" };
        args.AddRange(listeningIps.Select(ip => $"--listening-ip={ip}"));
        var process = PeerProcess.Start("turnserver", args, dir.File($"turnserver-{port}.log"), netns);
        var coturn = new Coturn(process, new IPEndPoint(listeningIps[0], port));
        try
        {
            var sockets = probeSockets ?? new DefaultSocketFactory();
            var client = new StunClient(new StunRetransmission(TimeSpan.FromMilliseconds(100), 3));
            await Eventually.UntilAsync(async () =>
            {
                using var socket = sockets.Create(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                socket.Bind(new IPEndPoint(IPAddress.Any, 0));
                return (await client.BindAsync(socket, coturn.Primary, ChangeRequestFlags.None, CancellationToken.None)).Succeeded;
            }, "coturn", diagnostics: process.Log);
            return coturn;
        }
        catch
        {
            coturn.Dispose();
            throw;
        }
    }

    public void Stop() => _process.Stop();

    public void Dispose() => _process.Dispose();
}
