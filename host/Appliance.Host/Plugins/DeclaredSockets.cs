using System.Net;
using System.Net.Sockets;
using Appliance.Abstractions;

namespace Appliance.Host.Plugins;

/// <summary>
/// Hands a plugin listening sockets only for the inbound ports its manifest declares (after configuration).
/// Keeps every socket it made so the host can close them when the plugin stops.
/// </summary>
internal sealed class DeclaredSockets(string pluginId, IReadOnlyList<DeclaredPort> declared) : IDeclaredSockets, IDisposable
{
    private readonly List<Socket> _opened = [];
    private readonly object _gate = new();

    public IReadOnlyList<DeclaredPort> Declared => declared;

    public Socket ListenTcp(int port, IPAddress? address = null, int backlog = 128)
    {
        Check(SocketTransport.Tcp, port);
        var socket = Make(address ?? IPAddress.IPv6Any, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address ?? IPAddress.IPv6Any, port));
            socket.Listen(backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return Track(socket);
    }

    public Socket BindUdp(int port, IPAddress? address = null)
    {
        Check(SocketTransport.Udp, port);
        var socket = Make(address ?? IPAddress.IPv6Any, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(address ?? IPAddress.IPv6Any, port));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return Track(socket);
    }

    private void Check(SocketTransport transport, int port)
    {
        if (port is < 0 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(port), port, "not a TCP/UDP port");
        if (declared.Any(d => d.Transport == transport && port >= d.FromPort && port <= d.ToPort))
            return;
        var allowed = declared.Where(d => d.Transport == transport)
            .Select(d => d.FromPort == d.ToPort ? $"{d.FromPort}" : $"{d.FromPort}-{d.ToPort}")
            .ToArray();
        var name = transport.ToString().ToLowerInvariant();
        throw new UndeclaredPortException(
            $"plugin '{pluginId}' asked to listen on {name}/{port}, which its manifest does not declare inbound " +
            (allowed.Length == 0 ? $"(it declares no inbound {name} port)" : $"(declared {name}: {string.Join(", ", allowed)})"));
    }

    private static Socket Make(IPAddress address, SocketType type, ProtocolType protocol)
    {
        var socket = new Socket(address.AddressFamily, type, protocol);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            socket.DualMode = true;
        return socket;
    }

    private Socket Track(Socket socket)
    {
        lock (_gate) _opened.Add(socket);
        return socket;
    }

    public void Dispose()
    {
        Socket[] sockets;
        lock (_gate)
        {
            sockets = _opened.ToArray();
            _opened.Clear();
        }
        foreach (var socket in sockets)
        {
            try { socket.Dispose(); } catch (ObjectDisposedException) { }
        }
    }
}
