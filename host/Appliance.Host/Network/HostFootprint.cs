using Appliance.Core.Network;
using Appliance.Host.Configuration;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Network;

/// <summary>The host's own network footprint (portal, SSH when enabled, DNS, NTP, updates, cloud link, login directory), from the F# core and the options.</summary>
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
        string? proxyHost = null;
        var proxyPort = 3128;
        if (!string.IsNullOrWhiteSpace(n.Proxy))
        {
            var colon = n.Proxy.LastIndexOf(':');
            proxyHost = colon > 0 ? n.Proxy[..colon] : n.Proxy;
            proxyPort = colon > 0 && int.TryParse(n.Proxy[(colon + 1)..], out var p) ? p : 3128;
        }
        var directory = Directory();
        var stun = Stun();
        return NetworkFacade.HostSettings(
            _options.Http.HttpsPort,
            _options.Http.HttpPort > 0 ? _options.Http.HttpPort : null,
            n.ManagementZone,
            n.UplinkZone,
            n.EffectiveNtpServers,
            n.EffectiveUpdateFqdns,
            n.CloudMqttFqdn,
            n.CloudMqttPort,
            CloudBrokers(),
            proxyHost,
            proxyPort,
            n.ProxyZone,
            directory?.Host,
            directory?.Port ?? 0,
            directory?.Zone ?? ZoneNames.Site,
            stun?.Host,
            stun?.Port ?? 3478,
            SshZones());
    }

    /// <summary>The zones 22/tcp is declared in: none unless <c>systemServices.ssh.enabled</c>.</summary>
    private IReadOnlyList<string> SshZones()
    {
        var ssh = _options.SystemServices.Ssh;
        return ssh.Enabled ? ssh.EffectiveZones(_options.Network.ManagementZone) : [];
    }

    /// <summary>The STUN server of <c>network.doctor.stunServer</c> ("host" or "host:port", 3478 by default).</summary>
    private (string Host, int Port)? Stun()
    {
        if (_options.Network.Doctor.StunServer is not { Length: > 0 } text) return null;
        var bracketed = text.StartsWith('[');
        var colon = text.LastIndexOf(':');
        var hasPort = colon > 0 && (bracketed ? text[..colon].EndsWith(']') : text.IndexOf(':') == colon);
        var host = (hasPort ? text[..colon] : text).Trim('[', ']');
        return (host, hasPort && int.TryParse(text[(colon + 1)..], out var port) ? port : 3478);
    }

    /// <summary>The cloud link's brokers from <c>cloud.brokers</c> (readable ones; the link reports the others).</summary>
    private IEnumerable<(string Host, int Port)> CloudBrokers() =>
        _options.Cloud.Brokers.Select(Appliance.CloudLink.BrokerAddress.Parse).Where(b => b.IsOk).Select(b => (b.Value.Host, b.Value.Port));

    /// <summary>The directory of <c>auth.ldap.url</c> (host, port; 636 for ldaps, 389 for ldap; zone <c>auth.ldap.zone</c>, default the site LAN), when directory logins are configured.</summary>
    private (string Host, int Port, string Zone)? Directory()
    {
        var ldap = _options.Auth.Ldap;
        if (ldap.Url is not { Length: > 0 } text || !Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Host.Length == 0)
            return null;
        var secure = url.Scheme.Equals("ldaps", StringComparison.OrdinalIgnoreCase);
        if (!secure && !url.Scheme.Equals("ldap", StringComparison.OrdinalIgnoreCase)) return null;
        var port = url.IsDefaultPort || url.Port <= 0 ? (secure ? 636 : 389) : url.Port;
        var zone = string.IsNullOrWhiteSpace(ldap.Zone) ? ZoneNames.Site : ldap.Zone;
        return (url.IdnHost.Trim('[', ']'), port, zone);
    }

    public IReadOnlyList<ResolvedEntry> Entries() => NetworkFacade.HostEntries(Settings());

    /// <summary>Problems with the host's network settings (each with its path), empty when fine.</summary>
    public IReadOnlyList<string> Validate() => NetworkFacade.ValidateHostSettings(Settings());
}
