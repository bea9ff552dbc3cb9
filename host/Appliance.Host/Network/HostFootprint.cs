using Appliance.Core.Network;
using Appliance.Host.Configuration;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Network;

/// <summary>The host's own network footprint (portal, DNS, NTP, updates, cloud link, login directory), from the F# core and the options.</summary>
public sealed class HostFootprint
{
    private readonly ApplianceOptions _options;

    public HostFootprint(IOptions<ApplianceOptions> options) : this(options.Value)
    {
    }

    public HostFootprint(ApplianceOptions options) => _options = options;

    public HostNetworkSettings Settings()
    {
        var n = _options.Network;
        var proxy = FSharpOption<ProxySettings>.None;
        if (!string.IsNullOrWhiteSpace(n.Proxy))
        {
            var colon = n.Proxy.LastIndexOf(':');
            var host = colon > 0 ? n.Proxy[..colon] : n.Proxy;
            var port = colon > 0 && int.TryParse(n.Proxy[(colon + 1)..], out var p) ? p : 3128;
            proxy = FSharpOption<ProxySettings>.Some(new ProxySettings(host, port, n.ProxyZone));
        }
        return new HostNetworkSettings(
            _options.Http.HttpsPort,
            _options.Http.HttpPort > 0 ? FSharpOption<int>.Some(_options.Http.HttpPort) : FSharpOption<int>.None,
            n.ManagementZone,
            n.UplinkZone,
            ListModule.OfSeq(n.EffectiveNtpServers),
            ListModule.OfSeq(n.EffectiveUpdateFqdns),
            string.IsNullOrWhiteSpace(n.CloudMqttFqdn) ? FSharpOption<string>.None : FSharpOption<string>.Some(n.CloudMqttFqdn),
            n.CloudMqttPort,
            proxy,
            Directory());
    }

    /// <summary>The directory of <c>auth.ldap.url</c> (host, port; 636 for ldaps, 389 for ldap; zone <c>auth.ldap.zone</c>, default the site LAN), when directory logins are configured.</summary>
    private FSharpOption<DirectoryPeer> Directory()
    {
        var ldap = _options.Auth.Ldap;
        if (ldap.Url is not { Length: > 0 } text || !Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Host.Length == 0)
            return FSharpOption<DirectoryPeer>.None;
        var secure = url.Scheme.Equals("ldaps", StringComparison.OrdinalIgnoreCase);
        if (!secure && !url.Scheme.Equals("ldap", StringComparison.OrdinalIgnoreCase)) return FSharpOption<DirectoryPeer>.None;
        var port = url.IsDefaultPort || url.Port <= 0 ? (secure ? 636 : 389) : url.Port;
        var zone = string.IsNullOrWhiteSpace(ldap.Zone) ? ZoneNames.Site : ldap.Zone;
        return FSharpOption<DirectoryPeer>.Some(new DirectoryPeer(url.IdnHost.Trim('[', ']'), port, zone));
    }

    public IReadOnlyList<ResolvedEntry> Entries() => Footprint.hostEntries(Settings()).ToList();

    /// <summary>Problems with the host's network settings (each with its path), empty when fine.</summary>
    public IReadOnlyList<string> Validate() => Footprint.validateHostSettings(Settings()).Select(e => e.ToString()).ToList();
}
