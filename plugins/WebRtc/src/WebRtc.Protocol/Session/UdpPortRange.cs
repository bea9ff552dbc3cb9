using System.Net;
using System.Net.Sockets;
using Appliance.Abstractions;

namespace Appliance.Plugins.WebRtc.Protocol.Session;

/// <summary>The declared UDP media port range; binds one socket per session on the first free port (0-0: any port).</summary>
public sealed record UdpPortRange(int First, int Last)
{
    public static UdpPortRange Any { get; } = new(0, 0);

    public static Result<UdpPortRange> Parse(string text)
    {
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && int.TryParse(parts[0], out var first) && int.TryParse(parts[1], out var last) && first is >= 1 and <= 65535 && last >= first && last <= 65535)
            return new UdpPortRange(first, last);
        return Result<UdpPortRange>.Fail("malformed", $"UDP port range '{text}' is not first-last within 1-65535");
    }

    /// <summary>
    /// A socket bound to <paramref name="address"/> on a free port of the range; a failure when all are taken.
    /// <paramref name="bind"/> binds one port (the host's declared-socket factory in the plugin); it may throw
    /// <see cref="SocketException"/> for a port in use.
    /// </summary>
    public Result<Socket> Bind(IPAddress address, Func<IPAddress, int, Socket>? bind = null)
    {
        bind ??= BindRaw;
        if (First == 0) return Try(bind, address, 0) ?? Result<Socket>.Fail("exhausted", "could not bind any UDP port");
        var span = Last - First + 1;
        var start = Random.Shared.Next(span);
        for (var i = 0; i < span; i++)
        {
            var socket = Try(bind, address, First + (start + i) % span);
            if (socket is not null) return socket;
        }
        return Result<Socket>.Fail("exhausted", $"every UDP port in {First}-{Last} is in use");
    }

    private static Socket? Try(Func<IPAddress, int, Socket> bind, IPAddress address, int port)
    {
        try
        {
            return bind(address, port);
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private static Socket BindRaw(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
