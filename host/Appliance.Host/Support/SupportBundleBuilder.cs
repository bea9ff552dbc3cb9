using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Core.Network;
using Appliance.Host.Api;
using Appliance.Host.Configuration;
using Appliance.Host.Events;
using Appliance.Host.Health;
using Appliance.Host.Network;
using Appliance.Host.Plugins;
using Appliance.Host.SystemServices;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Support;

/// <summary>
/// The support bundle (<c>GET /api/v1/system/support-bundle</c>): versions, health, the configuration in force
/// without secrets, the network requirements, recent events and the host's recent log, with a README saying what
/// is missing and why, as a <c>.tar.gz</c> (<see cref="SupportBundleArchive"/>).
/// </summary>
public sealed class SupportBundleBuilder(
    PluginManager plugins,
    HealthRegistry health,
    RequirementsSource requirements,
    OutboxEventBus events,
    HostLogCollector logs,
    IOptions<ApplianceOptions> options,
    TimeProvider time)
{
    public const int RecentEvents = 200;

    public sealed record Bundle(string FileName, byte[] Content);

    public async Task<Bundle> BuildAsync(CancellationToken ct)
    {
        var at = time.GetUtcNow();
        var notes = new List<string>();
        var parts = new List<SupportBundlePart>
        {
            SupportBundleArchive.Json("versions.json", Versions()),
            SupportBundleArchive.Json("health.json", HealthResponse.From(health)),
            Redacted("config/appliance.json", ApplianceConfiguration()),
        };
        foreach (var plugin in plugins.List())
        {
            var view = plugins.ConfigView(plugin.Id);
            // Settings the manifest marks secret are null already; a setting only named like a secret, or a URL with a password, goes too.
            if (view.IsOk)
                parts.Add(SupportBundleArchive.Json($"config/plugins/{plugin.Id}.json", view.Value with { Config = JsonSerializer.SerializeToElement(SecretRedaction.Redact(JsonNode.Parse(view.Value.Config.GetRawText()))) }));
            else notes.Add($"config/plugins/{plugin.Id}.json is missing: {view.Failure!.Message}.");
        }
        parts.Add(SupportBundleArchive.Text("network-requirements.md", NetworkFacade.RequirementsText(requirements.Entries(), "md") ?? ""));
        parts.Add(Redacted("events.json", JsonSerializer.SerializeToNode(events.Recent(RecentEvents), SupportBundleJson.Options)));
        var (log, logNote) = await logs.CollectAsync(ct);
        if (log is not null) parts.Add(SupportBundleArchive.Text("logs/host.log", log));
        notes.Add(logNote);
        parts.Insert(0, SupportBundleArchive.Text("README.txt", Readme(at, notes)));
        return new Bundle(FileName(Environment.MachineName, at), SupportBundleArchive.Write(parts, at));
    }

    /// <summary><c>appliance-support-HOST-20261204T103000Z.tar.gz</c>; characters outside [A-Za-z0-9.-] in the host name become '-'.</summary>
    public static string FileName(string hostname, DateTimeOffset at)
    {
        var host = new string(hostname.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-').ToArray());
        return $"appliance-support-{(host.Length > 0 ? host : "appliance")}-{at.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.tar.gz";
    }

    private object Versions() => new
    {
        product = SystemInfo.Version,
        hostname = Environment.MachineName,
        runtime = RuntimeInformation.FrameworkDescription,
        os = RuntimeInformation.OSDescription,
        architecture = RuntimeInformation.OSArchitecture.ToString(),
        image = ImageVersion(),
        plugins = plugins.List().Select(p => new { p.Id, p.Name, p.Version, p.Kind, p.State, p.Enabled, p.Error, p.StartedAt }),
    };

    private string? ImageVersion()
    {
        try
        {
            var file = options.Value.ImageUpdates.VersionFile;
            return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The appliance options as the host binds them; plugin sections are left to config/plugins/ (masked by their manifests).</summary>
    private JsonNode ApplianceConfiguration()
    {
        var node = JsonSerializer.SerializeToNode(options.Value, SupportBundleJson.Options)!.AsObject();
        node.Remove("pluginConfig");
        return node;
    }

    private static SupportBundlePart Redacted(string name, JsonNode? node) =>
        new(name, Encoding.UTF8.GetBytes(SecretRedaction.Redact(node)?.ToJsonString(SupportBundleJson.Options) ?? "null"));

    private static string Readme(DateTimeOffset at, IReadOnlyList<string> notes) => $"""
        Appliance support bundle, made {at.UtcDateTime:O} (UTC) by {Environment.MachineName}, version {SystemInfo.Version}.

        versions.json            product, runtime, OS, image and every plugin's id, version and state
        health.json              the health of every component with its reason
        config/appliance.json    the appliance options in force; secrets (passwords, passphrases, tokens, keys) and the
                                 user part and query of URLs are removed; plugin sections are under config/plugins/
        config/plugins/ID.json   each plugin's configuration in force; settings its manifest marks secret are null,
                                 other secrets removed as above
        network-requirements.md  every port and destination the appliance uses now
        events.json              the last {RecentEvents} events of the outbox, newest first (secrets removed the same way)
        logs/host.log            the host's recent log, when it is kept (see below), the user part of URLs removed
        manifest.json            every file with its size; each file is capped at {SupportBundleArchive.MaxPartBytes / (1024 * 1024)} MiB (truncated: true)

        Cameras and their credentials, users, sessions, tokens and keys are not part of the bundle.

        {string.Join(Environment.NewLine, notes)}

        """;
}
