using System.Net;
using System.Text.Json;
using Appliance.Host.Configuration;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Auth;

/// <summary>
/// Classifies the address a request comes from: the box itself (127.0.0.1, ::1), a management source
/// (loopback plus <see cref="AuthOptions.ManagementSources"/>, or the firewall zones' <c>managementSources</c>), or elsewhere.
/// Only the TCP peer address counts; forwarding headers are never trusted.
/// </summary>
public sealed class SourceAddresses
{
    private readonly IReadOnlyList<IPNetwork> _management;

    public SourceAddresses(IOptions<ApplianceOptions> options)
    {
        var configured = options.Value.Auth.ManagementSources.Count > 0
            ? options.Value.Auth.ManagementSources
            : ZoneManagementSources(options.Value.Network.Firewall.Zones);
        var networks = new List<IPNetwork> { new(IPAddress.Loopback, 32), new(IPAddress.IPv6Loopback, 128) };
        foreach (var text in configured)
            if (IPNetwork.TryParse(text, out var network)) networks.Add(network);
        _management = networks;
    }

    /// <summary>Loopback and the configured management networks.</summary>
    public IReadOnlyList<IPNetwork> Networks => _management;

    /// <summary>The box itself: exactly 127.0.0.1 or ::1 (not the rest of 127/8, which tests use as "elsewhere").</summary>
    public static bool IsConsole(IPAddress? address)
    {
        if (address is null) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return address.Equals(IPAddress.Loopback) || address.Equals(IPAddress.IPv6Loopback);
    }

    public bool IsManagement(IPAddress? address)
    {
        if (address is null) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return _management.Any(n => n.Contains(address));
    }

    /// <summary>The throttling key of a source: the address, or its /64 for IPv6 (one host owns a whole /64).</summary>
    public static string Key(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !address.Equals(IPAddress.IPv6Loopback))
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }
        return address.ToString();
    }

    private static IReadOnlyList<string> ZoneManagementSources(JsonElement? zones)
    {
        if (zones is not { ValueKind: JsonValueKind.Object } z || !z.TryGetProperty("managementSources", out var list) || list.ValueKind != JsonValueKind.Array)
            return [];
        return list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList();
    }
}
