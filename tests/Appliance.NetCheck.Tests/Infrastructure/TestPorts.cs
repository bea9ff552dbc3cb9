using System.Net;
using System.Net.Sockets;

namespace Appliance.NetCheck.Tests.Infrastructure;

/// <summary>Free ports picked by binding port 0 and reading it back.</summary>
public static class TestPorts
{
    public static int FreeTcp()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A port free for both UDP and TCP (STUN, DNS and NTP servers may bind both).</summary>
    public static int FreeUdpAndTcp()
    {
        for (var i = 0; i < 50; i++)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Any, 0));
            var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            try
            {
                using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                tcp.Bind(new IPEndPoint(IPAddress.Any, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("no port free for both UDP and TCP");
    }
}

/// <summary>A temporary folder removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = Directory.CreateTempSubdirectory("appl-nc-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public static class Wait
{
    /// <summary>Polls until the condition holds; generous timeout, for a loaded 2-core machine.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or TimeoutException or HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{what} did not become ready. {diagnostics?.Invoke()}");
    }

    public static Task TcpListeningAsync(IPAddress address, int port, Func<string>? diagnostics = null)
        => UntilAsync(async () =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync(address, port);
            return true;
        }, $"TCP {address}:{port}", diagnostics: diagnostics);
}
