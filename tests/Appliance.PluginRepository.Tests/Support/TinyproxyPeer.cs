using System.Diagnostics;
using System.Net.Sockets;

namespace Appliance.PluginRepository.Tests.Support;

/// <summary>
/// tinyproxy (Debian) on a free loopback port, with basic auth when a user is given, logging every request
/// (LogLevel Connect) to a file the test reads. Stopped by its own pid.
/// </summary>
public sealed class TinyproxyPeer : IDisposable
{
    private readonly Process _process;

    private TinyproxyPeer(Process process, int port, string logFile)
    {
        _process = process;
        Port = port;
        LogFile = logFile;
    }

    public int Port { get; }

    public string LogFile { get; }

    public Uri Uri => new($"http://127.0.0.1:{Port}");

    public string Log => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    public static async Task<TinyproxyPeer> StartAsync(string folder, string? user = null, string? password = null)
    {
        var port = Appliance.Testing.FreePort.Tcp();
        var conf = Path.Combine(folder, $"tinyproxy-{port}.conf");
        var log = Path.Combine(folder, $"tinyproxy-{port}.log");
        var auth = user is null ? "" : $"BasicAuth {user} {password}";
        await File.WriteAllTextAsync(conf, $"""
            Port {port}
            Listen 127.0.0.1
            Timeout 60
            MaxClients 20
            Allow 127.0.0.1
            LogLevel Connect
            LogFile "{log}"
            DisableViaHeader Yes
            {auth}
            """);
        var process = Process.Start(new ProcessStartInfo("tinyproxy", ["-d", "-c", conf])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var peer = new TinyproxyPeer(process, port, log);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return peer;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
            catch
            {
                peer.Dispose();
                throw new InvalidOperationException($"tinyproxy did not listen on {port}: {peer.Log}");
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        _process.Dispose();
    }
}
