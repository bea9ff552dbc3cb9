using System.Text.Json;

namespace Appliance.Host.Configuration;

/// <summary>The host's configuration: section <c>appliance</c> of <c>/etc/appliance/appliance.json</c> (or the dev file).</summary>
public sealed class ApplianceOptions
{
    public const string Section = "appliance";

    /// <summary>SQLite database, installed plugins, certificates, secrets. Production: <c>/var/lib/appliance</c>.</summary>
    public string DataDirectory { get; set; } = "/var/lib/appliance";

    /// <summary>Plugins shipped with the image (or built by <c>./build.sh</c>), installed on first start.</summary>
    public string? BundledPluginsDirectory { get; set; } = "/usr/lib/appliance/plugins";

    public HttpOptions Http { get; set; } = new();

    public PluginHostOptions Plugins { get; set; } = new();

    /// <summary>Configuration sections of plugins by plugin id (the API may override them; stored in the database).</summary>
    public Dictionary<string, JsonElement> PluginConfig { get; set; } = new();

    public DemoOptions Demo { get; set; } = new();

    public HostNetworkOptions Network { get; set; } = new();

    public AuthOptions Auth { get; set; } = new();

    /// <summary>Units, time, network settings and power of the box itself, over D-Bus.</summary>
    public SystemServicesOptions SystemServices { get; set; } = new();

    public ImageUpdateOptions ImageUpdates { get; set; } = new();

    /// <summary>The outbound MQTT link to the fleet (off until provisioned).</summary>
    public CloudOptions Cloud { get; set; } = new();

    /// <summary>Days an event is kept once every subscriber has it (the outbox never drops an undelivered event).</summary>
    public double EventRetentionDays { get; set; } = 30;

    /// <summary>The most events the outbox keeps, delivered or not: over it the oldest go, least important category
    /// first, each drop counted and reported (a subscriber away for long, such as the cloud link in an outage,
    /// cannot fill the disk).</summary>
    public long OutboxMaxEvents { get; set; } = 1_000_000;

    /// <summary>Seconds a rule that fires on an event of the media plugin's <c>snapshot.onEvents</c> waits for the
    /// snapshot kept under the event's id before its actions go without it (0 = no wait, at most 60).</summary>
    public double EventSnapshotWaitSeconds { get; set; } = 3;

    public string DataPath(params string[] parts) => Path.Combine([Path.GetFullPath(DataDirectory), .. parts]);
}

public sealed class HttpOptions
{
    /// <summary>Address Kestrel binds to: <c>0.0.0.0</c> in production, <c>127.0.0.1</c> in dev.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    public int HttpsPort { get; set; } = 443;

    /// <summary>Plain HTTP: only redirects to HTTPS (and serves <c>/healthz</c>). 0 disables it.</summary>
    public int HttpPort { get; set; } = 80;

    /// <summary>A PFX to serve. Without one, a self-signed certificate is generated on first start and kept.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>
    /// The name and port clients use (e.g. <c>appliance.example:8443</c>) for HTTPS redirects and the OpenAPI <c>servers</c>;
    /// never taken from a request's Host header. Empty: the machine's host name and <see cref="HttpsPort"/>.
    /// </summary>
    public string? PublicHost { get; set; }

    public string EffectivePublicHost
    {
        get
        {
            if (PublicHost is { Length: > 0 } configured) return configured;
            var name = BindAddress is "0.0.0.0" or "::" ? Environment.MachineName : BindAddress.Contains(':') ? $"[{BindAddress}]" : BindAddress;
            return HttpsPort == 443 ? name : $"{name}:{HttpsPort}";
        }
    }
}

public sealed class PluginHostOptions
{
    /// <summary>
    /// How long a plugin's start may take before it is quarantined. For an isolated plugin this includes its
    /// process's runtime start and handshake (the log and the error say how long each part took).
    /// </summary>
    public double StartTimeoutSeconds { get; set; } = 15;

    public double StopTimeoutSeconds { get; set; } = 10;

    /// <summary>Watch the plugins directory: a plugin folder replaced on disk is hot-swapped.</summary>
    public bool WatchDirectory { get; set; } = true;

    /// <summary>Dev: reinstall a bundled plugin whenever its build differs from the installed copy.</summary>
    public bool RefreshBundled { get; set; }

    /// <summary>Largest plugin package accepted by the API.</summary>
    public long MaxPackageBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Largest request body elsewhere (API JSON); anonymous endpoints accept far less (16 KiB).</summary>
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>After a hot swap, a crash of the new version within this many seconds rolls back to the previous one.</summary>
    public double SwapGraceSeconds { get; set; } = 30;

    /// <summary>How long the portal waits for a plugin's page (manifest <c>portal</c>) before it shows 504.</summary>
    public double PortalPageTimeoutSeconds { get; set; } = 10;

    /// <summary>Largest plugin page (HTML fragment) the portal embeds; a larger answer is shown as 502.</summary>
    public int PortalPageMaxBytes { get; set; } = 1024 * 1024;

    /// <summary>Isolated plugin processes (HostApi 1.1): user, runtime folder, per-plugin mode and limit overrides.</summary>
    public IsolationSettings Isolation { get; set; } = new();

    /// <summary>
    /// Accept unsigned packages (the zip upload of the API, portal and <c>appliancectl plugins install file.zip</c>).
    /// Off in the image: plugins come from the signed repository. Dev configuration and test hosts set it; the
    /// overview page warns while it is on.
    /// </summary>
    public bool AllowUnsigned { get; set; }

    /// <summary>The signed plugin repository (catalog, install, update).</summary>
    public PluginRepositoryOptions Repository { get; set; } = new();
}

/// <summary>The signed plugin repository (<c>plugins.repository</c>); the proxy is <c>network.proxy</c>.</summary>
public sealed class PluginRepositoryOptions
{
    /// <summary>The repository's base URL (holds <c>index.json</c> and <c>index.json.sig</c>); empty: no catalog.</summary>
    public string? Url { get; set; }

    /// <summary>Update channel: <c>stable</c> or <c>beta</c> (any channel the index names).</summary>
    public string Channel { get; set; } = "stable";

    /// <summary>Folder of trusted Ed25519 public keys (<c>*.pub</c>), part of the image.</summary>
    public string TrustDirectory { get; set; } = "/etc/appliance/trust/plugins";

    /// <summary>This appliance's hardware model as the index names it (packages list the models they run on).</summary>
    public string HardwareModel { get; set; } = "generic-x86_64";

    /// <summary>A PEM file of CA certificates trusted for the repository besides the system's (a site CA; tests).</summary>
    public string? TrustedCaFile { get; set; }

    /// <summary>Download bandwidth limit in bytes per second; 0: none.</summary>
    public long BandwidthBytesPerSecond { get; set; }

    /// <summary>Seconds to wait for an answer (and for the whole index).</summary>
    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>Seconds a download may stay without data before it is given up (the part is kept to resume).</summary>
    public double StallSeconds { get; set; } = 30;

    /// <summary>Allow a plain-HTTP (port 80) mirror; the index signature and package hashes still apply.</summary>
    public bool AllowPlainHttp { get; set; }
}

/// <summary>Configuration of isolated plugin processes (<c>plugins.isolation</c>).</summary>
public sealed class IsolationSettings
{
    /// <summary>User the plugin processes run as when the host runs as root (null: the host's user).</summary>
    public string? RunAsUser { get; set; }

    /// <summary>Where sockets and stream rings live (null: /dev/shm/appliance-isolation-{pid}).</summary>
    public string? RuntimeDirectory { get; set; }

    /// <summary>
    /// Seconds a plugin process may take to answer a ping before it counts as hung and is restarted (1-120, default 5).
    /// The image gives more: an emulator or a board under load can stall a process for longer than 5 s.
    /// </summary>
    public double PingTimeoutSeconds { get; set; } = 5;

    /// <summary>The plugin-host program (null: Appliance.PluginHost.dll next to the host).</summary>
    public string? PluginHostPath { get; set; }

    /// <summary>Per plugin id: the isolation mode and limits that override the manifest's.</summary>
    public Dictionary<string, IsolationOverride> Plugins { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One plugin's override: <c>mode</c> (<c>in-process</c> | <c>process</c>) and limits.</summary>
public sealed class IsolationOverride
{
    public string? Mode { get; set; }

    public int? MemoryMiB { get; set; }

    public int? CpuPercent { get; set; }

    public int? OpenFiles { get; set; }
}

public sealed class DemoOptions
{
    /// <summary>Add a demo test-pattern camera on first start (dev).</summary>
    public bool TestPatternCamera { get; set; }

    /// <summary>Where the demo camera streams (the dev run starts a GStreamer test pattern there).</summary>
    public string? StreamUri { get; set; }
}

/// <summary>What the host itself talks to: the source of its own lines in the network requirements.</summary>
public sealed class HostNetworkOptions
{
    /// <summary>Zone of the portal and other management ports: "management" opens them only from <see cref="FirewallOptions.Zones"/> managementSources (Milestone hardening guide).</summary>
    public string ManagementZone { get; set; } = "management";

    public string UplinkZone { get; set; } = "uplink";

    /// <summary>NTP servers (UDP 123). Empty: <see cref="DefaultNtpServers"/>. (Lists start empty: the configuration binder appends to defaults.)</summary>
    public List<string> NtpServers { get; set; } = [];

    /// <summary>Update and plugin repository hosts (HTTPS 443, HTTP 80). Empty: <see cref="DefaultUpdateFqdns"/>.</summary>
    public List<string> UpdateFqdns { get; set; } = [];

    public static readonly IReadOnlyList<string> DefaultNtpServers = ["pool.ntp.org"];

    public static readonly IReadOnlyList<string> DefaultUpdateFqdns = ["updates.appliance.example"];

    public IReadOnlyList<string> EffectiveNtpServers => NtpServers.Count > 0 ? NtpServers : DefaultNtpServers;

    public IReadOnlyList<string> EffectiveUpdateFqdns => UpdateFqdns.Count > 0 ? UpdateFqdns : DefaultUpdateFqdns;

    public string? CloudMqttFqdn { get; set; } = "mqtt.appliance.example";

    public int CloudMqttPort { get; set; } = 8883;

    /// <summary>An HTTP/1.1 proxy for outbound HTTPS and MQTT (host:port), if the site requires one.</summary>
    public string? Proxy { get; set; }

    /// <summary>Basic-auth user for <see cref="Proxy"/> (the plugin repository's transport uses it); none when empty.</summary>
    public string? ProxyUsername { get; set; }

    public string? ProxyPassword { get; set; }

    public string ProxyZone { get; set; } = "site";

    /// <summary>Host name or address under which clients reach the appliance (plugins read it through IHostSettings); none when empty.</summary>
    public string? PublicAddress { get; set; }

    public FirewallOptions Firewall { get; set; } = new();

    public DoctorOptions Doctor { get; set; } = new();

    /// <summary>Seconds between audits of the sockets the host's process tree listens on (0: off).</summary>
    public double SocketAuditSeconds { get; set; } = 60;
}

/// <summary>The appliance's own nftables table (<c>inet appliance</c>), compiled from the footprint and the zones.</summary>
public sealed class FirewallOptions
{
    /// <summary>Apply the ruleset to the machine (the image: true). Off, the ruleset is still compiled and shown.</summary>
    public bool Enforce { get; set; }

    /// <summary>Zones: interfaces per zone, management source ranges, outbound allowlist (see the firewall docs).</summary>
    public System.Text.Json.JsonElement? Zones { get; set; }

    /// <summary>After an apply from the portal or API, the new ruleset is rolled back unless confirmed within this time.</summary>
    public double ConfirmTimeoutSeconds { get; set; } = 60;

    public string NftPath { get; set; } = "/usr/sbin/nft";

    /// <summary>Outbound allowlist mode: how often the FQDNs' address sets are resolved again.</summary>
    public double FqdnRefreshSeconds { get; set; } = 300;
}

/// <summary>Targets of the network doctor that are not in the footprint.</summary>
public sealed class DoctorOptions
{
    /// <summary>STUN server (host:port, UDP 3478) used for peer-to-peer video; its NAT test needs one answering from two addresses.</summary>
    public string? StunServer { get; set; }

    /// <summary>NTP server to query (host:port); default: the first NTP server of the footprint on port 123.</summary>
    public string? NtpServer { get; set; }

    /// <summary>DNS server (ip:port) to ask; default: the system's resolvers.</summary>
    public string? DnsServer { get; set; }

    /// <summary>An endless streamed test URL to detect content filters that buffer video until end of file.</summary>
    public string? ContentFilterUrl { get; set; }

    public double ContentFilterSeconds { get; set; } = 5;

    /// <summary>Extra TLS endpoints (host:port) to check besides the cloud and update hosts of the footprint.</summary>
    public List<string> CloudEndpoints { get; set; } = [];

    /// <summary>A CA bundle (PEM) to trust for the TLS checks, for sites with their own CA (tests use it too).</summary>
    public string? TrustedCaFile { get; set; }

    public double PerCheckTimeoutSeconds { get; set; } = 15;
}
