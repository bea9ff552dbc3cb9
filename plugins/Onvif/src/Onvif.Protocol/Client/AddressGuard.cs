using Appliance.Abstractions;
namespace Appliance.Plugins.Onvif.Protocol.Client;

/// <summary>
/// Addresses a camera hands back (service XAddrs, stream URI, pull point) must point to the camera's own host: a
/// compromised or hostile camera must not steer the appliance (and the camera's credentials) to another machine.
/// Host names compare case-insensitively; IP literals by value (IPv4-mapped IPv6 equals IPv4).
/// </summary>
public static class AddressGuard
{
    /// <summary>Null when <paramref name="returned"/> is on <paramref name="camera"/>'s host, else the error to report.</summary>
    public static Failure? Check(Uri camera, Uri? returned, string what)
    {
        if (returned is null || SameHost(camera, returned)) return null;
        return new Failure(ErrorKind.UnexpectedMessage,
            $"the camera returned a {what} on another host ({returned.Host}, the camera is {camera.Host}); refused (allow foreign addresses for this camera to use it)");
    }

    public static bool SameHost(Uri a, Uri b)
    {
        var ha = a.Host.Trim('[', ']');
        var hb = b.Host.Trim('[', ']');
        if (System.Net.IPAddress.TryParse(ha, out var ia) && System.Net.IPAddress.TryParse(hb, out var ib))
        {
            if (ia.IsIPv4MappedToIPv6) ia = ia.MapToIPv4();
            if (ib.IsIPv4MappedToIPv6) ib = ib.MapToIPv4();
            return ia.Equals(ib);
        }
        return string.Equals(ha, hb, StringComparison.OrdinalIgnoreCase);
    }
}
