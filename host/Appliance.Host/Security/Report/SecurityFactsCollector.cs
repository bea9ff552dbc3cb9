using System.Security.Authentication;
using System.Text.Json;
using Appliance.Core.Manifest;
using Appliance.Core.Network;
using Appliance.Core.Security;
using Appliance.Host.Auth;
using Appliance.Host.Configuration;
using Appliance.Host.Network;
using Appliance.Host.Plugins;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Security.Report;

/// <summary>
/// Gathers what the security report judges from the running host: its options, the installed plugins and where they
/// came from, the users, the session cookie as the authentication handler is configured, the generated network
/// requirements and the firewall's zones. The judging is <see cref="SecurityReport"/>'s (F# core).
/// </summary>
public sealed class SecurityFactsCollector(
    IOptions<ApplianceOptions> options,
    IOptionsMonitor<CookieAuthenticationOptions> cookies,
    PluginManager plugins,
    PluginFolders folders,
    PluginStateStore pluginState,
    UserStore users,
    FirewallService firewall,
    Cloud.CloudIdentity cloudIdentity,
    TimeProvider time)
{
    /// <summary>Factory passwords of cameras, routers and appliances (the ones scanners try first).</summary>
    private static readonly string[] DefaultPasswords = ["admin", "password", "12345", "123456", "changeme"];

    public SecurityReport.SecurityFacts Collect()
    {
        var o = options.Value;
        var cookie = cookies.Get(CookieAuthenticationDefaults.AuthenticationScheme).Cookie;
        var zones = Zones(o);
        var (imageVersion, imageAt) = ImageVersion(o);
        return new SecurityReport.SecurityFacts(
            time.GetUtcNow(),
            o.Plugins.Repository.Url ?? "",
            o.SystemServices.Enabled && o.ImageUpdates.Enabled,
            imageVersion,
            imageAt,
            Plugins(o),
            o.Plugins.AllowUnsigned,
            o.Plugins.Repository.AllowPlainHttp,
            users.HasUsers(),
            o.Auth.LoopbackSetup,
            users.List().Where(u => u.Source == UserStore.LocalSource && DefaultPasswords.Any(p => users.HasPassword(u.Name, p))).Select(u => u.Name).ToArray(),
            o.Http.HttpPort,
            // Portal/HttpsRedirect.cs answers every plain-HTTP request but /healthz with a 308 to HTTPS, always.
            true,
            // TlsPolicy.Protocols holds no version older than 1.2 (the older ones are obsolete in .NET).
            TlsPolicy.Protocols.HasFlag(SslProtocols.Tls12) ? "1.2" : "1.3",
            cookie.SecurePolicy == CookieSecurePolicy.Always,
            cookie.HttpOnly,
            cookie.SameSite == SameSiteMode.Strict,
            o.Auth.SessionIdleMinutes,
            o.Auth.SessionMaxHours,
            LoginThrottle.FreeFailures,
            LoginThrottle.MaxDelay.TotalMinutes,
            o.Auth.MaxTokenDays,
            Outbound(),
            o.Cloud.Enabled,
            o.Cloud.Enabled && cloudIdentity.Current() is not null,
            o.Network.Firewall.Enforce,
            firewall.Compile().Failure?.Errors.ToArray() ?? [],
            zones?.ManagementSources.Select(c => c.ToString()).ToArray() ?? [],
            zones?.Interfaces.Where(i => i.Item2 == "cameras").Select(i => i.Item1).ToArray() ?? [],
            zones?.OutboundAllowlist ?? false);
    }

    private SecurityReport.PluginFact[] Plugins(ApplianceOptions o) =>
        plugins.List().Select(p =>
        {
            var origin = plugins.Provenance.Of(p.Id, p.Version);
            var configured = o.PluginConfig.ContainsKey(p.Id) || pluginState.Get(p.Id)?.Config is not null;
            return new SecurityReport.PluginFact(p.Id, p.Version, p.Kind, origin?.Signed ?? false, IsBundled(o, folders.InstalledFolder(p.Id)), p.State == PluginState.Running, configured);
        }).ToArray();

    /// <summary>The installed folder holds exactly the files the image brought for this plugin.</summary>
    private static bool IsBundled(ApplianceOptions o, string installed)
    {
        if (string.IsNullOrEmpty(o.BundledPluginsDirectory) || !Directory.Exists(o.BundledPluginsDirectory)) return false;
        if (!Directory.Exists(installed)) return false;
        var fingerprint = PluginFolders.Fingerprint(installed);
        return Directory.EnumerateDirectories(o.BundledPluginsDirectory)
            .Where(d => File.Exists(Path.Combine(d, "plugin.json")))
            .Any(d => PluginFolders.Fingerprint(d) == fingerprint);
    }

    private SecurityReport.OutboundFact[] Outbound() =>
        NetworkFacade.Requirements(plugins.Footprint())
            .Where(r => r.Direction == Direction.Outbound)
            .Select(r => new SecurityReport.OutboundFact(r.Owner, NetworkFacade.Fqdn(r) ?? "", r.Ports, r.Purpose))
            .ToArray();

    private static Core.Network.Zones.ZonePolicy? Zones(ApplianceOptions o)
    {
        var json = o.Network.Firewall.Zones is { ValueKind: JsonValueKind.Object } z ? z : JsonDocument.Parse("{}").RootElement;
        var policy = NetworkFacade.ZonePolicy(json);
        return policy.IsOk ? policy.Value : null;
    }

    /// <summary>The image's version file: its text and its time (written when the image was installed).</summary>
    private static (string Version, DateTimeOffset? At) ImageVersion(ApplianceOptions o)
    {
        var path = o.ImageUpdates.VersionFile;
        if (!File.Exists(path)) return ("", null);
        return (File.ReadAllText(path).Trim(), new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero));
    }
}
