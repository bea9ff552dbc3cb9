using System.Net;
using Appliance.NetCheck.Tests.Infrastructure;
using Appliance.Testing;

namespace Appliance.NetCheck.Tests.Peers;

/// <summary>chronyd serving NTP on loopback without touching the clock (-x), local stratum 8.</summary>
public sealed class Chrony : IDisposable
{
    private readonly PeerProcess _process;

    private Chrony(PeerProcess process, IPEndPoint endPoint)
    {
        _process = process;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    public static async Task<Chrony> StartAsync(TempDir dir)
    {
        var port = FreePort.UdpAndTcp();
        var conf = dir.File($"chrony-{port}.conf");
        await File.WriteAllTextAsync(conf, $"""
            port {port}
            bindaddress 127.0.0.1
            allow 127.0.0.1
            local stratum 8
            cmdport 0
            pidfile {dir.File($"chronyd-{port}.pid")}
            driftfile {dir.File($"chrony-{port}.drift")}
            """);
        var process = PeerProcess.Start("chronyd", ["-d", "-x", "-f", conf], dir.File($"chronyd-{port}.log"));
        var chrony = new Chrony(process, new IPEndPoint(IPAddress.Loopback, port));
        try
        {
            // Ready when its log says it serves; the check under test is not used to decide readiness.
            await Eventually.UntilAsync(() => Task.FromResult(process.Log().Contains("chronyd version", StringComparison.Ordinal) && !process.HasExited),
                "chronyd", diagnostics: process.Log);
            return chrony;
        }
        catch
        {
            chrony.Dispose();
            throw;
        }
    }

    public void Stop() => _process.Stop();

    public void Dispose() => _process.Dispose();
}
