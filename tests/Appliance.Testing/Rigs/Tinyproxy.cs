using System.Net;

namespace Appliance.Testing;

/// <summary>
/// tinyproxy (Debian), an HTTP/1.1 proxy on a free loopback port: basic auth when a user is given, CONNECT limited
/// to <c>connectPorts</c> when some are given, every request logged (LogLevel Info) to a file the test reads.
/// Stopped by its own pid.
/// </summary>
public sealed class Tinyproxy : IDisposable
{
    private readonly PeerProcess _process;

    private Tinyproxy(PeerProcess process, int port, string logFile)
    {
        _process = process;
        Port = port;
        LogFile = logFile;
    }

    public int Port { get; }

    public string LogFile { get; }

    public Uri Uri => new($"http://127.0.0.1:{Port}");

    /// <summary>tinyproxy's request log and whatever it printed.</summary>
    public string Log => PeerProcess.ReadShared(LogFile) + _process.Log();

    public static async Task<Tinyproxy> StartAsync(string folder, string? user = null, string? password = null, IEnumerable<int>? connectPorts = null)
    {
        var port = FreePort.Tcp();
        var conf = Path.Combine(folder, $"tinyproxy-{port}.conf");
        var log = Path.Combine(folder, $"tinyproxy-{port}.log");
        var auth = user is null ? "" : $"BasicAuth {user} {password}";
        var connect = string.Join('\n', (connectPorts ?? []).Select(p => $"ConnectPort {p}"));
        await File.WriteAllTextAsync(conf, $"""
            Port {port}
            Listen 127.0.0.1
            Timeout 60
            MaxClients 20
            Allow 127.0.0.1
            LogLevel Info
            LogFile "{log}"
            DisableViaHeader Yes
            {auth}
            {connect}
            """);
        var process = PeerProcess.Start("tinyproxy", ["-d", "-c", conf], Path.Combine(folder, $"tinyproxy-{port}.out"));
        var proxy = new Tinyproxy(process, port, log);
        try
        {
            await Eventually.TcpListeningAsync(IPAddress.Loopback, port, () => proxy.Log, TimeSpan.FromSeconds(20));
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
