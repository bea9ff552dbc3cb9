using System.Net;

namespace Appliance.Plugins.WebRtc.Protocol.Session;

/// <summary>How the viewer reaches the appliance, in the OpenEye order: LAN, peer-to-peer, Direct Connect, relay.</summary>
public enum ConnectionPath { Unknown, Lan, PeerToPeer, Direct, Relay }

/// <summary>Classifies the selected remote address by the candidates the viewer announced (offer and trickle).</summary>
public static class ConnectionPathClassifier
{
    /// <summary>
    /// relay when the viewer's address is one of its relay candidates, P2P for srflx/prflx, LAN for host; Direct when
    /// the path is not a relay, the appliance announces a configured public address and the viewer comes from a
    /// public (non-private) address, i.e. through that forwarded address rather than the LAN.
    /// </summary>
    public static ConnectionPath Classify(IPEndPoint selected, IEnumerable<string> remoteCandidates, bool publicAddressConfigured)
    {
        var viaPublicAddress = publicAddressConfigured && !IsPrivate(selected.Address);
        foreach (var line in remoteCandidates)
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type>
            if (f.Length < 8 || f[6] != "typ") continue;
            if (!IPAddress.TryParse(f[4], out var address) || !int.TryParse(f[5], out var port)) continue;
            if (!Same(address, selected.Address) || port != selected.Port) continue;
            return f[7] switch
            {
                "relay" => ConnectionPath.Relay,
                "srflx" or "prflx" => viaPublicAddress ? ConnectionPath.Direct : ConnectionPath.PeerToPeer,
                "host" => viaPublicAddress ? ConnectionPath.Direct : ConnectionPath.Lan,
                _ => ConnectionPath.Unknown,
            };
        }
        // A peer-reflexive address the viewer never announced (mDNS host names hide host candidates): LAN when private.
        if (viaPublicAddress) return ConnectionPath.Direct;
        return IsPrivate(selected.Address) ? ConnectionPath.Lan : ConnectionPath.PeerToPeer;
    }

    private static bool Same(IPAddress a, IPAddress b) =>
        (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).Equals(b.IsIPv4MappedToIPv6 ? b.MapToIPv4() : b);

    private static bool IsPrivate(IPAddress address)
    {
        var a = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (IPAddress.IsLoopback(a) || a.IsIPv6LinkLocal || a.IsIPv6UniqueLocal) return true;
        var b = a.GetAddressBytes();
        return b.Length == 4 && (b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254));
    }
}
