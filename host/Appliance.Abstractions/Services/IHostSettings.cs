namespace Appliance.Abstractions.Services;

/// <summary>
/// The appliance's network settings, read-only. A plugin reads <see cref="Current"/> when it needs a value (e.g. at
/// each connection) rather than once at start: the settings may change while it runs.
/// </summary>
public interface IHostSettings
{
    HostSettingsSnapshot Current { get; }
}

/// <summary>
/// One consistent view of the settings.
/// </summary>
/// <param name="HttpsPort">The portal's HTTPS port.</param>
/// <param name="HttpPort">The portal's plain-HTTP redirect port, null when switched off.</param>
/// <param name="PublicAddress">Host name or IP address under which clients reach the appliance (for URLs a plugin hands out, ICE candidates...), null when not configured.</param>
/// <param name="NtpServers">NTP servers the appliance synchronises with (host names).</param>
/// <param name="Proxy">The HTTP proxy (CONNECT) for outbound HTTPS, null when there is none.</param>
/// <param name="Zones">The defined zones (cameras, site, uplink, then the installer's), each with its interfaces and accepted sources.</param>
/// <param name="ManagementSources">Address ranges (CIDR) allowed to reach management ports; empty = any source.</param>
public sealed record HostSettingsSnapshot(
    int HttpsPort,
    int? HttpPort,
    string? PublicAddress,
    IReadOnlyList<string> NtpServers,
    HostProxy? Proxy,
    IReadOnlyList<HostZone> Zones,
    IReadOnlyList<string> ManagementSources);

/// <summary>An HTTP/1.1 proxy the appliance uses for outbound HTTPS and MQTT.</summary>
public sealed record HostProxy(string Host, int Port, string Zone);

/// <summary>A zone: its interfaces (e.g. <c>eth1</c>) and the only source ranges (CIDR) accepted on them (empty = any).</summary>
public sealed record HostZone(string Name, IReadOnlyList<string> Interfaces, IReadOnlyList<string> Sources);
