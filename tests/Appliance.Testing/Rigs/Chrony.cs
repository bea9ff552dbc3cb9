using System.Net;

namespace Appliance.Testing;

/// <summary>chronyd serving NTP on a free loopback port without touching the clock (-x), local stratum 8. Stopped by its own pid.</summary>
public sealed class Chrony : IDisposable
{
    private readonly PeerProcess _process;

    private Chrony(PeerProcess process, IPEndPoint endPoint)
    {
        _process = process;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    public static async Task<Chrony> StartAsync(string folder)
    {
        var port = FreePort.UdpAndTcp();
        var conf = Path.Combine(folder, $"chrony-{port}.conf");
        await File.WriteAllTextAsync(conf, $"""
            port {port}
            bindaddress 127.0.0.1
            allow 127.0.0.1
            local stratum 8
            cmdport 0
            pidfile {Path.Combine(folder, $"chronyd-{port}.pid")}
            driftfile {Path.Combine(folder, $"chrony-{port}.drift")}
            """);
        var process = PeerProcess.Start("chronyd", ["-d", "-x", "-f", conf], Path.Combine(folder, $"chronyd-{port}.log"));
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
