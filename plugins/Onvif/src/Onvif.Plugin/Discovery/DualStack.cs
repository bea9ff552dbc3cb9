using System.Net.NetworkInformation;
using System.Net.Sockets;
using Appliance.Abstractions;

namespace Appliance.Plugins.Onvif.Plugin.Discovery;

/// <summary>The optional IPv6 half of a discovery loop: bound when possible, otherwise the loop runs on IPv4 and says why.</summary>
public static class DualStack
{
    public static (MulticastBinding? Binding, string? Problem) TryBind(Func<MulticastBinding>? bind, string source, IPluginLogger log)
    {
        if (bind is null) return (null, null);
        try
        {
            return (bind(), null);
        }
        catch (Exception ex) when (ex is SocketException or InvalidOperationException or NetworkInformationException)
        {
            log.Warn("{Source}: IPv6 multicast unavailable, IPv4 only: {Error}", source, ex.Message);
            return (null, ex.Message);
        }
    }

    public static string Describe(MulticastBinding ipv4, MulticastBinding? ipv6, string? ipv6Problem) =>
        ipv6 is not null ? $"{ipv4.Description}, {ipv6.Description}"
        : ipv6Problem is not null ? $"{ipv4.Description}; no IPv6: {ipv6Problem}"
        : ipv4.Description;
}
