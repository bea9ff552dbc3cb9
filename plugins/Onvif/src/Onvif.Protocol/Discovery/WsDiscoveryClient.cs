using Appliance.Abstractions;
using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;

namespace Appliance.Plugins.Onvif.Protocol.Discovery;

/// <summary>One received datagram: who sent it and what it said (or why it could not be read).</summary>
public sealed record WsDiscoveryDatagram(IPEndPoint From, Result<WsDiscoveryMessage> Message);

/// <summary>
/// WS-Discovery client over a UDP socket the caller bound (port 3702, joined to the multicast group, so Hello/Bye
/// arrive too). Probes go to the multicast group; ProbeMatches come back unicast to the probing socket.
/// Duplicate datagrams (SOAP-over-UDP repeats each message) are dropped by MessageID. Over IPv6 the link-local group
/// ff02::c needs an interface: pass one group endpoint per interface (ScopeId = interface index); each Probe goes to all.
/// </summary>
public sealed class WsDiscoveryClient(Socket socket, IReadOnlyList<IPEndPoint> multicastGroups)
{
    public WsDiscoveryClient(Socket socket, IPEndPoint multicastGroup) : this(socket, [multicastGroup]) { }

    private readonly byte[] _buffer = new byte[65536];
    private readonly Queue<string> _recentIds = new();
    private readonly HashSet<string> _recent = new(StringComparer.Ordinal);

    public IPEndPoint MulticastGroup => multicastGroups[0];

    public IReadOnlyList<IPEndPoint> MulticastGroups => multicastGroups;

    /// <summary>Sends a Probe for <paramref name="types"/> (empty: untyped) and returns its MessageID.</summary>
    public async Task<string> SendProbeAsync(IReadOnlyCollection<XName> types, CancellationToken cancellationToken)
    {
        var id = WsDiscoveryMessages.NewMessageId();
        var probe = WsDiscoveryMessages.Probe(id, types);
        foreach (var group in multicastGroups)
            await socket.SendToAsync(probe, SocketFlags.None, group, cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>Sends a message (Hello, Bye) to every multicast group.</summary>
    public async Task SendToGroupsAsync(byte[] message, CancellationToken cancellationToken)
    {
        foreach (var group in multicastGroups)
            await socket.SendToAsync(message, SocketFlags.None, group, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a message (ProbeMatches) unicast to one peer.</summary>
    public async Task SendToAsync(byte[] message, IPEndPoint to, CancellationToken cancellationToken) =>
        await socket.SendToAsync(message, SocketFlags.None, to, cancellationToken).ConfigureAwait(false);

    /// <summary>The next datagram that is not a repeat of one already seen (not thread-safe: one receive loop per client).</summary>
    public async Task<WsDiscoveryDatagram> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            EndPoint any = socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
            var received = await socket.ReceiveFromAsync(_buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
            var from = (IPEndPoint)received.RemoteEndPoint;
            var message = WsDiscoveryParser.Parse(_buffer.AsMemory(0, received.ReceivedBytes));
            if (message.IsOk && message.Value.MessageId is { } id && !Remember(id)) continue;
            return new WsDiscoveryDatagram(from, message);
        }
    }

    private bool Remember(string id)
    {
        if (!_recent.Add(id)) return false;
        _recentIds.Enqueue(id);
        if (_recentIds.Count > 256) _recent.Remove(_recentIds.Dequeue());
        return true;
    }
}
