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
}

public sealed class PluginHostOptions
{
    public double StartTimeoutSeconds { get; set; } = 15;

    public double StopTimeoutSeconds { get; set; } = 10;

    /// <summary>Watch the plugins directory: a plugin folder replaced on disk is hot-swapped.</summary>
    public bool WatchDirectory { get; set; } = true;

    /// <summary>Dev: reinstall a bundled plugin whenever its build differs from the installed copy.</summary>
    public bool RefreshBundled { get; set; }

    /// <summary>Largest plugin package accepted by the API.</summary>
    public long MaxPackageBytes { get; set; } = 64L * 1024 * 1024;
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
    public string ManagementZone { get; set; } = "site";

    public string UplinkZone { get; set; } = "uplink";

    public List<string> NtpServers { get; set; } = ["pool.ntp.org"];

    public List<string> UpdateFqdns { get; set; } = ["updates.appliance.example"];

    public string? CloudMqttFqdn { get; set; } = "mqtt.appliance.example";

    public int CloudMqttPort { get; set; } = 8883;

    /// <summary>An HTTP/1.1 proxy for outbound HTTPS and MQTT (host:port), if the site requires one.</summary>
    public string? Proxy { get; set; }

    public string ProxyZone { get; set; } = "site";
}
