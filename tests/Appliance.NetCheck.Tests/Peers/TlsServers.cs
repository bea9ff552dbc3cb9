using System.Net;
using Appliance.NetCheck.Tests.Infrastructure;
using Appliance.Testing;

namespace Appliance.NetCheck.Tests.Peers;

/// <summary>mosquitto with a TLS listener (the MQTT-over-TLS cloud endpoint, 8883 in production).</summary>
public sealed class MosquittoTls : IDisposable
{
    private readonly PeerProcess _process;

    private MosquittoTls(PeerProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static async Task<MosquittoTls> StartAsync(TempDir dir, string cert, string key, string caCert, string? netns = null, IPAddress? bind = null)
    {
        var port = FreePort.Tcp();
        var address = bind ?? IPAddress.Loopback;
        var conf = dir.File($"mosquitto-{port}.conf");
        await File.WriteAllTextAsync(conf, $"""
            user root
            persistence false
            log_dest stdout
            listener {port} {address}
            cafile {caCert}
            certfile {cert}
            keyfile {key}
            require_certificate false
            allow_anonymous true
            """);
        var process = PeerProcess.Start("mosquitto", ["-c", conf], dir.File($"mosquitto-{port}.log"), netns);
        var peer = new MosquittoTls(process, port);
        try
        {
            if (netns is null)
            {
                await Eventually.TcpListeningAsync(address, port, process.Log);
            }
            else
            {
                await NetworkLab.TcpListeningAsync(netns, address, port, process.Log);
            }

            return peer;
        }
        catch
        {
            peer.Dispose();
            throw;
        }
    }

    public void Stop() => _process.Stop();

    public void Dispose() => _process.Dispose();
}

/// <summary>openssl s_server -www: an independent HTTPS (443-style) endpoint with the given certificate.</summary>
public sealed class OpensslServer : IDisposable
{
    private readonly PeerProcess _process;

    private OpensslServer(PeerProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static async Task<OpensslServer> StartAsync(TempDir dir, string cert, string key)
    {
        var port = FreePort.Tcp();
        var process = PeerProcess.Start("openssl",
            ["s_server", "-accept", $"127.0.0.1:{port}", "-cert", cert, "-key", key, "-www", "-quiet"],
            dir.File($"s_server-{port}.log"));
        var peer = new OpensslServer(process, port);
        try
        {
            await Eventually.TcpListeningAsync(IPAddress.Loopback, port, process.Log);
            return peer;
        }
        catch
        {
            peer.Dispose();
            throw;
        }
    }

    public void Stop() => _process.Stop();

    public void Dispose() => _process.Dispose();
}
