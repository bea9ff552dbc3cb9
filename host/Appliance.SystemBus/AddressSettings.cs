using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Appliance.Abstractions;

namespace Appliance.SystemBus;

/// <summary>An IPv4 address with its prefix length (<c>192.0.2.10/24</c>).</summary>
public sealed record Ipv4Prefix(IPAddress Address, int PrefixLength)
{
    public override string ToString() => $"{Address}/{PrefixLength}";

    /// <summary>Reads <c>a.b.c.d/n</c> (n 1-32); anything else is <c>invalid</c> with the text named.</summary>
    public static Result<Ipv4Prefix> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Result<Ipv4Prefix>.Fail(BusFailures.Invalid, "an address is empty");
        var slash = text.IndexOf('/');
        if (slash < 0) return Result<Ipv4Prefix>.Fail(BusFailures.Invalid, $"address '{text}' has no prefix length (a.b.c.d/n)");
        var address = AddressSettings.ParseIpv4(text[..slash], "address");
        if (!address.IsOk) return Result<Ipv4Prefix>.Fail(address.Failure!);
        if (!int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix is < 1 or > 32)
            return Result<Ipv4Prefix>.Fail(BusFailures.Invalid, $"address '{text}': the prefix length must be 1-32");
        return new Ipv4Prefix(address.Value, prefix);
    }

    /// <summary>Whether <paramref name="other"/> is in this address's subnet.</summary>
    public bool Contains(IPAddress other)
    {
        var mask = PrefixLength == 0 ? 0u : uint.MaxValue << (32 - PrefixLength);
        return (ToUInt32(Address) & mask) == (ToUInt32(other) & mask);
    }

    internal static uint ToUInt32(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }
}

/// <summary>
/// The IPv4 settings of one interface: DHCP, or static addresses with an optional gateway; DNS servers in both
/// cases (with DHCP they are used in addition to the lease's).
/// </summary>
public sealed record AddressSettings(bool Dhcp, IReadOnlyList<Ipv4Prefix> Addresses, IPAddress? Gateway, IReadOnlyList<IPAddress> Dns)
{
    public const int MaxAddresses = 16;
    public const int MaxDns = 8;

    public static AddressSettings DhcpOnly { get; } = new(true, [], null, []);

    /// <summary>
    /// Checks what a user sent: <paramref name="method"/> <c>dhcp</c> or <c>static</c>; static needs at least one
    /// address, DHCP takes none and no gateway; the gateway must be in the subnet of one of the addresses. Every
    /// problem is reported, one per line.
    /// </summary>
    public static Result<AddressSettings> Create(string? method, IEnumerable<string>? addresses, string? gateway, IEnumerable<string>? dns)
    {
        var errors = new List<string>();
        var isDhcp = method switch
        {
            "dhcp" => true,
            "static" => false,
            _ => (bool?)null,
        };
        if (isDhcp is null) errors.Add($"method '{method}' is not 'dhcp' or 'static'");
        var parsed = new List<Ipv4Prefix>();
        foreach (var text in addresses ?? [])
        {
            var address = Ipv4Prefix.Parse(text);
            if (address.IsOk) parsed.Add(address.Value);
            else errors.Add(address.Failure!.Message);
        }
        if (parsed.Count > MaxAddresses) errors.Add($"at most {MaxAddresses} addresses");
        IPAddress? gw = null;
        if (!string.IsNullOrWhiteSpace(gateway))
        {
            var g = ParseIpv4(gateway, "gateway");
            if (g.IsOk) gw = g.Value;
            else errors.Add(g.Failure!.Message);
        }
        var servers = new List<IPAddress>();
        foreach (var text in dns ?? [])
        {
            var server = ParseIpv4(text, "DNS server");
            if (server.IsOk) servers.Add(server.Value);
            else errors.Add(server.Failure!.Message);
        }
        if (servers.Count > MaxDns) errors.Add($"at most {MaxDns} DNS servers");
        if (isDhcp == true && (parsed.Count > 0 || gw is not null)) errors.Add("with dhcp, addresses and the gateway come from the lease: leave them empty");
        if (isDhcp == false && parsed.Count == 0 && errors.Count == 0) errors.Add("static needs at least one address");
        if (isDhcp == false && gw is not null && parsed.Count > 0 && !parsed.Any(p => p.Contains(gw)))
            errors.Add($"gateway {gw} is not in the subnet of any address ({string.Join(", ", parsed)})");
        return errors.Count > 0
            ? Result<AddressSettings>.Fail(BusFailures.Invalid, string.Join("\n", errors))
            : new AddressSettings(isDhcp!.Value, parsed, gw, servers);
    }

    internal static Result<IPAddress> ParseIpv4(string text, string what)
    {
        // IPAddress.TryParse accepts "1", "1.2" and "0x1.2.3.4"; only four decimal parts are taken here.
        var parts = text.Split('.');
        if (parts.Length != 4 || parts.Any(p => p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit))
            || !IPAddress.TryParse(text, out var address) || address.AddressFamily != AddressFamily.InterNetwork)
            return Result<IPAddress>.Fail(BusFailures.Invalid, $"{what} '{text}' is not an IPv4 address (a.b.c.d)");
        return address;
    }
}
