using System.Text.Json;
using Appliance.Abstractions.Services;
using Appliance.Core.Network;
using Appliance.Host.Configuration;
using Appliance.Host.Network;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Plugins.Services;

/// <summary>The appliance's network settings as plugins read them (<see cref="IHostSettings"/>), built from the options at each read.</summary>
public sealed class HostSettingsView(IOptionsMonitor<ApplianceOptions> options) : IHostSettings
{
    public HostSettingsSnapshot Current
    {
        get
        {
            var o = options.CurrentValue;
            var settings = new HostFootprint(o).Settings();
            var zones = o.Network.Firewall.Zones is { ValueKind: JsonValueKind.Object } z ? z : JsonDocument.Parse("{}").RootElement;
            var policy = NetworkFacade.ZonePolicy(zones);
            IReadOnlyList<HostZone> zoneList = [];
            IReadOnlyList<string> management = [];
            if (policy.IsOk)
            {
                var p = policy.Value;
                zoneList = p.Zones.Select(name => new HostZone(
                    name,
                    p.Interfaces.Where(i => i.Item2 == name).Select(i => i.Item1).ToList(),
                    p.SourceRestrictions.TryGetValue(name, out var cidrs) ? cidrs.Select(c => c.ToString()).ToList() : [])).ToList();
                management = p.ManagementSources.Select(c => c.ToString()).ToList();
            }
            var proxy = NetworkFacade.TryGetProxy(settings, out var px) ? new HostProxy(px.Host, px.Port, px.Zone) : null;
            return new HostSettingsSnapshot(
                o.Http.HttpsPort,
                o.Http.HttpPort > 0 ? o.Http.HttpPort : null,
                string.IsNullOrWhiteSpace(o.Network.PublicAddress) ? null : o.Network.PublicAddress,
                o.Network.EffectiveNtpServers.ToList(),
                proxy,
                zoneList,
                management);
        }
    }
}
