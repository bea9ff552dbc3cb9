using System.Globalization;
using System.Net;
using System.Text;
using Appliance.Abstractions;

namespace Appliance.SystemBus.Networkd;

/// <summary>
/// A systemd-networkd <c>.network</c> file (systemd.network(5)), the part the appliance reads and writes: DHCP,
/// static IPv4 addresses, the gateway and DNS servers. <see cref="Render"/> writes the file the appliance owns for
/// one interface; <see cref="Read"/> reads any file networkd applies to an interface (the image's default for all
/// wired ports, or one written here), ignoring sections and keys it does not need and IPv6 entries.
/// </summary>
public static class NetworkFile
{
    /// <summary>Larger files are refused: a .network file is a few hundred bytes.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>The file the appliance writes for <paramref name="interfaceName"/>; sorts before the image's defaults (80-*), so it wins.</summary>
    public static string FileName(string interfaceName) => $"10-appliance-{interfaceName}.network";

    /// <summary>
    /// The file for one interface. DHCP keeps the IPv4 link-local fallback (reachable without a DHCP server); every
    /// file keeps the IPv4 multicast route the image's default has (WS-Discovery and mDNS without a default route).
    /// </summary>
    public static string Render(string interfaceName, AddressSettings settings)
    {
        if (!IsInterfaceName(interfaceName)) throw new ArgumentException($"'{interfaceName}' is not an interface name", nameof(interfaceName));
        var text = new StringBuilder();
        text.Append("# Written by the appliance (network settings of ").Append(interfaceName).Append("); replaced on every change.\n");
        text.Append("[Match]\nName=").Append(interfaceName).Append("\n\n[Network]\n");
        if (settings.Dhcp) text.Append("DHCP=ipv4\nLinkLocalAddressing=ipv4\n");
        else text.Append("DHCP=no\nLinkLocalAddressing=no\n");
        foreach (var address in settings.Addresses) text.Append("Address=").Append(address).Append('\n');
        if (settings.Gateway is { } gateway) text.Append("Gateway=").Append(gateway).Append('\n');
        foreach (var server in settings.Dns) text.Append("DNS=").Append(server).Append('\n');
        if (settings.Dhcp) text.Append("\n[DHCPv4]\nUseHostname=no\n");
        text.Append("\n[Route]\nDestination=224.0.0.0/4\nMetric=2048\n");
        return text.ToString();
    }

    /// <summary>Whether <paramref name="name"/> can be an interface name (what <see cref="Render"/> puts into a file and a file name).</summary>
    public static bool IsInterfaceName(string name) =>
        name.Length is > 0 and <= 15 && name is not "." and not ".." && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>The IPv4 settings a file gives; <c>invalid</c> naming the line for a value that does not read.</summary>
    public static Result<AddressSettings> Read(string text, string source)
    {
        if (Encoding.UTF8.GetByteCount(text) > MaxBytes) return Result<AddressSettings>.Fail(BusFailures.Invalid, $"{source}: larger than {MaxBytes} bytes");
        var section = "";
        var dhcp = false;
        var addresses = new List<Ipv4Prefix>();
        var dns = new List<IPAddress>();
        IPAddress? gateway = null;
        string? routeGateway = null;
        var routeHasDestination = false;
        void EndRoute()
        {
            if (routeGateway is not null && !routeHasDestination && gateway is null && IsIpv4(routeGateway)) gateway = IPAddress.Parse(routeGateway);
            routeGateway = null;
            routeHasDestination = false;
        }
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line[0] == '[')
            {
                if (line[^1] != ']') return Bad(source, number, "a section header without ']'");
                if (section == "Route") EndRoute();
                section = line[1..^1];
                continue;
            }
            var equals = line.IndexOf('=');
            if (equals <= 0) return Bad(source, number, "not 'Key=value'");
            var key = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            switch (section, key)
            {
                case ("Network", "DHCP"):
                    var on = value.ToLowerInvariant() switch
                    {
                        "yes" or "true" or "on" or "1" or "ipv4" => true,
                        "no" or "false" or "off" or "0" or "ipv6" => false,
                        _ => (bool?)null,
                    };
                    if (on is null) return Bad(source, number, $"DHCP={value} is not yes, no, ipv4 or ipv6");
                    dhcp = on.Value;
                    break;
                case ("Network" or "Address", "Address"):
                    if (value.Contains(':')) break; // IPv6: not part of the IPv4 settings
                    var address = Ipv4Prefix.Parse(value);
                    if (!address.IsOk) return Bad(source, number, address.Failure!.Message);
                    addresses.Add(address.Value);
                    break;
                case ("Network", "Gateway"):
                    if (value.Contains(':') || value is "_dhcp4" or "_ipv6ra") break;
                    var g = AddressSettings.ParseIpv4(value, "gateway");
                    if (!g.IsOk) return Bad(source, number, g.Failure!.Message);
                    gateway ??= g.Value;
                    break;
                case ("Network", "DNS"):
                    foreach (var server in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        var host = server.Split('#')[0];
                        if (host.Contains(':')) continue;
                        var s = AddressSettings.ParseIpv4(host, "DNS server");
                        if (!s.IsOk) return Bad(source, number, s.Failure!.Message);
                        dns.Add(s.Value);
                    }
                    break;
                case ("Route", "Gateway"):
                    routeGateway = value;
                    break;
                case ("Route", "Destination"):
                    routeHasDestination = value is not ("0.0.0.0/0" or "0.0.0.0");
                    break;
            }
        }
        if (section == "Route") EndRoute();
        if (addresses.Count > AddressSettings.MaxAddresses) return Result<AddressSettings>.Fail(BusFailures.Invalid, $"{source}: more than {AddressSettings.MaxAddresses} addresses");
        if (dns.Count > AddressSettings.MaxDns) return Result<AddressSettings>.Fail(BusFailures.Invalid, $"{source}: more than {AddressSettings.MaxDns} DNS servers");
        return new AddressSettings(dhcp, addresses, gateway, dns);
    }

    private static bool IsIpv4(string text) => AddressSettings.ParseIpv4(text, "gateway").IsOk;

    private static Result<AddressSettings> Bad(string source, int line, string why) =>
        Result<AddressSettings>.Fail(BusFailures.Invalid, string.Create(CultureInfo.InvariantCulture, $"{source} line {line}: {why}"));
}
