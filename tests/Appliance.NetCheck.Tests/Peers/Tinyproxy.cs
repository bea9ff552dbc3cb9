using System.Net;
using Appliance.NetCheck.Tests.Infrastructure;

namespace Appliance.NetCheck.Tests.Peers;

/// <summary>tinyproxy, an HTTP/1.1 proxy from Debian; optionally restricted to CONNECT ports.</summary>
public sealed class Tinyproxy : IDisposable
{
    private readonly PeerProcess _process;

    private Tinyproxy(PeerProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static async Task<Tinyproxy> StartAsync(TempDir dir, IEnumerable<int>? connectPorts = null)
    {
        var port = TestPorts.FreeTcp();
        var conf = dir.File($"tinyproxy-{port}.conf");
        var connect = string.Join('\n', (connectPorts ?? []).Select(p => $"ConnectPort {p}"));
        await File.WriteAllTextAsync(conf, $"""
            Port {port}
            Listen 127.0.0.1
            Timeout 60
            MaxClients 20
            Allow 127.0.0.1
            LogLevel Info
            DisableViaHeader Yes
            {connect}
            """);
        var process = PeerProcess.Start("tinyproxy", ["-d", "-c", conf], dir.File($"tinyproxy-{port}.log"));
        var proxy = new Tinyproxy(process, port);
        try
        {
            await Wait.TcpListeningAsync(IPAddress.Loopback, port, process.Log);
            return proxy;
        }
        catch
        {
            proxy.Dispose();
            throw;
        }
    }

    public void Stop() => _process.Stop();

    public void Dispose() => _process.Dispose();
}
