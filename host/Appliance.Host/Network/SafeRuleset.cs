using System.Net;
using System.Text;

namespace Appliance.Host.Network;

/// <summary>
/// The ruleset applied when enforcement is on but no valid ruleset can be compiled or applied (fail closed):
/// inbound, only replies, loopback, essential ICMP and the management ports (HTTPS, HTTP) from the management
/// sources; nothing else. Outbound is left open so that the appliance can still be repaired (time, updates).
/// </summary>
public static class SafeRuleset
{
    public static string Build(IEnumerable<IPNetwork> managementSources, IReadOnlyList<int> managementPorts)
    {
        var v4 = managementSources.Where(n => n.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(n.BaseAddress)).ToList();
        var v6 = managementSources.Where(n => n.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !IPAddress.IsLoopback(n.BaseAddress)).ToList();
        var ports = string.Join(", ", managementPorts.Where(p => p is > 0 and < 65536).Distinct().Order());
        var sb = new StringBuilder();
        sb.AppendLine("table inet appliance {}");
        sb.AppendLine("delete table inet appliance");
        sb.AppendLine("# Fail-closed ruleset of the appliance: the configured ruleset could not be compiled or applied.");
        sb.AppendLine("table inet appliance {");
        sb.AppendLine("\tchain input {");
        sb.AppendLine("\t\ttype filter hook input priority filter; policy drop;");
        sb.AppendLine("\t\tct state established,related accept comment \"appliance.firewall: replies to connections the appliance made\"");
        sb.AppendLine("\t\tct state invalid drop");
        sb.AppendLine("\t\tiif \"lo\" accept comment \"appliance.firewall: loopback\"");
        sb.AppendLine("\t\ticmp type { destination-unreachable, time-exceeded, parameter-problem } accept");
        sb.AppendLine("\t\ticmpv6 type { destination-unreachable, packet-too-big, time-exceeded, parameter-problem } accept");
        sb.AppendLine("\t\ticmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } ip6 hoplimit 255 accept");
        if (ports.Length > 0)
        {
            if (v4.Count > 0)
                sb.AppendLine($"\t\tip saddr {{ {string.Join(", ", v4)} }} tcp dport {{ {ports} }} accept comment \"appliance.firewall: fail closed, management only\"");
            if (v6.Count > 0)
                sb.AppendLine($"\t\tip6 saddr {{ {string.Join(", ", v6)} }} tcp dport {{ {ports} }} accept comment \"appliance.firewall: fail closed, management only\"");
        }
        sb.AppendLine("\t}");
        sb.AppendLine("}");
        return sb.ToString();
    }
}
