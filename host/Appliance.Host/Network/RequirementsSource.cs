using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json;
using Appliance.Core.Network;
using Appliance.Host.Cameras;
using Appliance.Host.Configuration;
using Appliance.Host.Plugins;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Network;

/// <summary>
/// What the requirements page and its downloads list: the footprint of what runs (or, with <c>all</c>, also the
/// entries switched off in the configuration), cameras on ports of their own, and each zone's sources and the
/// appliance's addresses in it for the "from -> to" columns.
/// </summary>
public sealed class RequirementsSource(PluginManager plugins, CameraStore cameras, IOptions<ApplianceOptions> options)
{
    /// <param name="all">Also the entries a plugin's configuration switches off (whenKey false): not in use.</param>
    public IReadOnlyList<ResolvedEntry> Entries(bool all = false)
    {
        var footprint = all ? plugins.DeclaredFootprint() : plugins.Footprint();
        return footprint.Concat(NetworkFacade.CameraEntries(CameraPeers(), footprint)).ToList();
    }

    /// <summary>Each camera's host with the ports its URIs name (none named: the protocol's default, which the footprint covers).</summary>
    private IEnumerable<(string Name, string Host, int? Rtsp, int? Onvif)> CameraPeers() =>
        cameras.List().Select(c =>
        {
            Uri.TryCreate(c.StreamUri, UriKind.Absolute, out var rtsp);
            Uri.TryCreate(c.OnvifUri, UriKind.Absolute, out var onvif);
            var host = (rtsp ?? onvif)?.IdnHost.Trim('[', ']') ?? "";
            return (c.Name, host, rtsp is { Port: > 0 } ? rtsp.Port : (int?)null, onvif is { Port: > 0 } ? onvif.Port : (int?)null);
        }).Where(c => c.Item2.Length > 0);

    /// <summary>Per zone, the source ranges it is restricted to (zones.sourceRestrictions); a zone without any accepts every host.</summary>
    public IReadOnlyDictionary<string, string[]> ZoneSources()
    {
        if (Policy() is not { } policy) return new Dictionary<string, string[]>();
        return policy.SourceRestrictions.ToDictionary(kv => kv.Key, kv => kv.Value.Select(c => c.ToString()).ToArray());
    }

    /// <summary>
    /// Per zone, the appliance's addresses on the interfaces assigned to it (zones.interfaces); with no interface
    /// assigned, the zone is absent and the page says "every address".
    /// </summary>
    public IReadOnlyDictionary<string, string[]> ApplianceAddresses()
    {
        if (Policy() is not { } policy || policy.Interfaces.IsEmpty) return new Dictionary<string, string[]>();
        var byName = NetworkInterface.GetAllNetworkInterfaces().ToDictionary(n => n.Name, n => n, StringComparer.Ordinal);
        return policy.Interfaces
            .GroupBy(i => i.Item2, i => i.Item1)
            .ToDictionary(g => g.Key, g => g.SelectMany(name => byName.TryGetValue(name, out var nic) ? Addresses(nic) : []).Distinct().ToArray());
    }

    private static IEnumerable<string> Addresses(NetworkInterface nic) =>
        nic.GetIPProperties().UnicastAddresses
            .Select(a => a.Address)
            .Where(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 && !a.IsIPv6LinkLocal && !IPAddress.IsLoopback(a))
            .Select(a => a.ToString());

    private Appliance.Core.Network.Zones.ZonePolicy? Policy()
    {
        var zones = options.Value.Network.Firewall.Zones is { ValueKind: JsonValueKind.Object } z ? z : JsonDocument.Parse("{}").RootElement;
        var policy = NetworkFacade.ZonePolicy(zones);
        return policy.IsOk ? policy.Value : null;
    }
}
