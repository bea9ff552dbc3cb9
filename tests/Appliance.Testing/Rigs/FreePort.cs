using System.Net;
using System.Net.Sockets;

namespace Appliance.Testing;

/// <remarks>
/// A port is free when asked, not when used: the kernel can hand the same number to the next bind(0) once the probe
/// socket is closed, so two ports asked one after the other (a plugin's and the host's) could collide. Each number is
/// handed out once per test process (the set only grows, a few thousand at most of ~28,000 ephemeral ports).
/// </remarks>
public static class FreePort
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> HandedOut = new();

    /// <summary>A TCP port free on 127.0.0.1 right now (bind 0, read back), never handed out before in this process.</summary>
    public static int Tcp() => Unique(() =>
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    });

    public static int Udp() => Unique(() =>
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    });

    private static int Unique(Func<int> probe)
    {
        for (var i = 0; i < 100; i++)
        {
            var port = probe();
            if (HandedOut.TryAdd(port, 0)) return port;
        }
        throw new InvalidOperationException("no port not handed out before was free in 100 tries");
    }

    /// <summary>A port free for both UDP and TCP (STUN, DNS and NTP servers may bind both).</summary>
    public static int UdpAndTcp()
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
                if (HandedOut.TryAdd(port, 0)) return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("no port free for both UDP and TCP");
    }
}
