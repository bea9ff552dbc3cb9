using System.Net;

namespace Appliance.Plugins.WebRtc.Protocol.Ice;

/// <summary>The IP addresses named by SDP candidate lines (mDNS <c>.local</c> names and malformed lines are skipped).</summary>
public static class CandidateAddresses
{
    public static IReadOnlyCollection<IPAddress> Of(IEnumerable<string> candidateLines)
    {
        var found = new HashSet<IPAddress>();
        foreach (var line in candidateLines)
        {
            // candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 8 || !f[2].Equals("udp", StringComparison.OrdinalIgnoreCase)) continue;
            if (IPAddress.TryParse(f[4], out var address)) found.Add(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
        }
        return found;
    }
}
