using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Appliance.Abstractions;

namespace Appliance.Plugins.Onvif.Plugin.Discovery;

/// <summary>A discovery socket bound to its port and joined to its group, and where to send to the group (one endpoint per interface for IPv6).</summary>
public sealed record MulticastBinding(Socket Socket, IReadOnlyList<IPEndPoint> Groups, string Description) : IDisposable
{
    public bool IsIPv6 => Socket.AddressFamily == AddressFamily.InterNetworkV6;

    public void Dispose() => Socket.Dispose();

    /// <summary>
    /// An IPv4 UDP socket on a discovery port (the host's declared-socket factory binds with SO_REUSEADDR, so avahi-daemon
    /// or wsdd on the same machine can share it), joined to the group after binding, multicast TTL 1 (link-local scope).
    /// </summary>
    public static MulticastBinding IPv4(IDeclaredSockets sockets, int port, string group)
    {
        var address = IPAddress.Parse(group);
        var socket = sockets.BindUdp(port, IPAddress.Any);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(address));
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 1);
            return new MulticastBinding(socket, [new IPEndPoint(address, port)], group);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// An IPv6 UDP socket on a discovery port, joined to the link-local group (ff02::c, ff02::fb) on every interface that is
    /// up, multicast-capable, not loopback and has IPv6; hop limit 1. The host binds [::] dual-mode, so IPv4 multicast to
    /// the port arrives here too: the loops ignore IPv4-mapped senders on this socket (the IPv4 socket has them).
    /// Throws <see cref="InvalidOperationException"/> when no interface qualifies or none could be joined.
    /// </summary>
    /// <summary>The interfaces an IPv6 binding joins: up, multicast-capable, not loopback, with IPv6 (name and index).</summary>
    public static List<(string Name, int Index)> IPv6Candidates(IEnumerable<NetworkInterface> interfaces) =>
        interfaces
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.SupportsMulticast &&
                        n.NetworkInterfaceType != NetworkInterfaceType.Loopback && n.Supports(NetworkInterfaceComponent.IPv6))
            .Select(n => (n.Name, Index: n.GetIPProperties().GetIPv6Properties()?.Index ?? 0))
            .Where(n => n.Index > 0)
            .ToList();

    /// <summary>The interface indexes this binding sends to (IPv6: one group endpoint per joined interface).</summary>
    public IReadOnlySet<int> InterfaceIndexes => Groups.Where(g => g.Address.ScopeId > 0).Select(g => (int)g.Address.ScopeId).ToHashSet();

    public static MulticastBinding IPv6(IDeclaredSockets sockets, int port, string group, IEnumerable<NetworkInterface> interfaces)
    {
        var address = IPAddress.Parse(group);
        var candidates = IPv6Candidates(interfaces);
        if (candidates.Count == 0) throw new InvalidOperationException("no IPv6 interface is up and multicast-capable");
        var socket = sockets.BindUdp(port, IPAddress.IPv6Any);
        try
        {
            var joined = new List<(string Name, int Index)>();
            var errors = new List<string>();
            foreach (var candidate in candidates)
            {
                try
                {
                    socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(address, candidate.Index));
                    joined.Add(candidate);
                }
                catch (SocketException ex) { errors.Add($"{candidate.Name}: {ex.Message}"); }
            }
            if (joined.Count == 0) throw new InvalidOperationException($"cannot join {group} on any interface ({string.Join("; ", errors)})");
            socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive, 1);
            var groups = joined.Select(j => new IPEndPoint(new IPAddress(address.GetAddressBytes(), j.Index), port)).ToList();
            return new MulticastBinding(socket, groups, $"{group} on {string.Join(',', joined.Select(j => j.Name))}");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
