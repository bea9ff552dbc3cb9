using System.Net.NetworkInformation;
using System.Net.Sockets;
using Appliance.Abstractions;

namespace Appliance.Plugins.Onvif.Plugin.Discovery;

/// <summary>The optional IPv6 half of a discovery loop: bound when possible, otherwise the loop runs on IPv4 and says why.</summary>
public static class DualStack
{
    /// <summary>The IPv6 binding; null when none is asked for (<paramref name="bind"/> null); <c>unavailable</c> naming why it could not be bound.</summary>
    public static Result<MulticastBinding?> TryBind(Func<MulticastBinding>? bind, string source, IPluginLogger log)
    {
        if (bind is null) return Result<MulticastBinding?>.Ok(null);
        try
        {
            return bind();
        }
        catch (Exception ex) when (ex is SocketException or InvalidOperationException or NetworkInformationException)
        {
            log.Warn("{Source}: IPv6 multicast unavailable, IPv4 only: {Error}", source, ex.Message);
            return Result<MulticastBinding?>.Fail("unavailable", ex.Message);
        }
    }

    /// <summary>The bound sockets for health, with the reason there is no IPv6 when its binding failed.</summary>
    public static string Describe(MulticastBinding ipv4, Result<MulticastBinding?> ipv6) =>
        !ipv6.TryGetValue(out var bound, out var problem) ? $"{ipv4.Description}; no IPv6: {problem.Message}"
        : bound is not null ? $"{ipv4.Description}, {bound.Description}"
        : ipv4.Description;
}
