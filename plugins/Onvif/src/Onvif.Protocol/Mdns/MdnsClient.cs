using Appliance.Abstractions;
using System.Net;
using System.Net.Sockets;

namespace Appliance.Plugins.Onvif.Protocol.Mdns;

/// <summary>One received mDNS datagram: who sent it and the decoded message (or why it could not be decoded).</summary>
public sealed record MdnsDatagram(IPEndPoint From, Result<DnsMessage> Message);

/// <summary>
/// mDNS over a UDP socket the caller bound (port 5353, joined to 224.0.0.251 / ff02::fb): queries go to the group from
/// port 5353, so answers come back multicast (RFC 6762 section 5.2, not the legacy unicast form of section 6.7).
/// Over IPv6 the link-local group ff02::fb needs an interface: pass one group endpoint per interface (ScopeId = index).
/// </summary>
public sealed class MdnsClient(Socket socket, IReadOnlyList<IPEndPoint> multicastGroups)
{
    public MdnsClient(Socket socket, IPEndPoint multicastGroup) : this(socket, [multicastGroup]) { }

    public const int Port = 5353;
    public const string MulticastIPv4 = "224.0.0.251";
    public const string MulticastIPv6 = "ff02::fb";

    private readonly byte[] _buffer = new byte[65536];

    public IReadOnlyList<IPEndPoint> MulticastGroups => multicastGroups;

    public async Task SendAsync(DnsMessage message, CancellationToken cancellationToken)
    {
        var datagram = DnsWriter.Encode(message);
        foreach (var group in multicastGroups)
            await socket.SendToAsync(datagram, SocketFlags.None, group, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The next datagram (not thread-safe: one receive loop per client).</summary>
    public async Task<MdnsDatagram> ReceiveAsync(CancellationToken cancellationToken)
    {
        EndPoint any = socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        var received = await socket.ReceiveFromAsync(_buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
        return new MdnsDatagram((IPEndPoint)received.RemoteEndPoint, DnsReader.Decode(_buffer.AsSpan(0, received.ReceivedBytes)));
    }
}
