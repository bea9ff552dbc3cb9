using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Core.Manifest;
using Appliance.Core.Network;
using Microsoft.FSharp.Core;

namespace Appliance.Host.Plugins;

/// <summary>The one place where the host calls the F# core about manifests; turns F# shapes into plain C# ones.</summary>
public static class ManifestAdapter
{
    public static readonly ApiVersion HostApiVersion = new(HostApi.Major, HostApi.Minor);

    public static ManifestParse Parse(string json)
    {
        var result = ManifestParser.parse(json);
        return result.IsOk
            ? new ManifestParse(result.ResultValue, [])
            : new ManifestParse(null, result.ErrorValue.Select(e => e.ToString()).ToList());
    }

    /// <summary>Null if this host can run the plugin, else why not.</summary>
    public static string? CheckHostApi(PluginManifest manifest)
    {
        var check = Versions.checkHostApi(HostApiVersion, manifest.HostApi);
        return check.IsOk ? null : check.ErrorValue.ToString();
    }

    public static ConfigResolution ResolveConfig(PluginManifest manifest, JsonElement? section)
    {
        var option = section is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } s
            ? FSharpOption<JsonElement>.Some(s)
            : FSharpOption<JsonElement>.None;
        var result = ConfigSchema.resolve(manifest.Config, option);
        return result.IsOk
            ? new ConfigResolution(result.ResultValue, [])
            : new ConfigResolution(default, result.ErrorValue.Select(e => e.ToString()).ToList());
    }

    public static IReadOnlyList<ResolvedEntry> Footprint(PluginManifest manifest, JsonElement config) =>
        Appliance.Core.Network.Footprint.resolve(manifest, config).ToList();

    /// <summary>The footprint resolved from a validated configuration, or every value that does not resolve (with its path).</summary>
    public static FootprintResolution CheckedFootprint(PluginManifest manifest, JsonElement config)
    {
        var result = Appliance.Core.Network.Footprint.resolveChecked(manifest, config);
        return result.IsOk
            ? new FootprintResolution(result.ResultValue.ToList(), [])
            : new FootprintResolution([], result.ErrorValue.Select(e => e.ToString()).ToList());
    }

    /// <summary>The manifest's absolute routes that collide with a host route or a route of <paramref name="others"/>.</summary>
    public static IReadOnlyList<string> RouteCollisions(PluginManifest manifest, IEnumerable<PluginManifest> others)
    {
        var declared = others.SelectMany(o => o.Surface.Routes.Select(r => Tuple.Create(o.Id, r)));
        return Routes.collisions(Routes.hostRouteTemplates, Microsoft.FSharp.Collections.ListModule.OfSeq(declared), manifest.Id, manifest.Surface.Routes)
            .Select(e => e.ToString()).ToList();
    }

    public static Appliance.Abstractions.Events.EventCategory Category(string name) => name switch
    {
        "camera" => Appliance.Abstractions.Events.EventCategory.Camera,
        "alarm" => Appliance.Abstractions.Events.EventCategory.Alarm,
        "analytics" => Appliance.Abstractions.Events.EventCategory.Analytics,
        _ => Appliance.Abstractions.Events.EventCategory.System,
    };

    public static IReadOnlyList<string> Collisions(IEnumerable<ResolvedEntry> entries) =>
        Appliance.Core.Network.Footprint.collisions(Microsoft.FSharp.Collections.ListModule.OfSeq(entries))
            .Select(e => e.ToString()).ToList();

    public static IReadOnlyList<DeclaredPort> InboundPorts(IEnumerable<ResolvedEntry> entries) =>
        entries.Where(e => e.Entry.Direction.IsInbound)
            .Select(e =>
            {
                var (first, last) = Range(e.Entry.Port);
                return new DeclaredPort(e.Entry.Transport.IsTcp ? SocketTransport.Tcp : SocketTransport.Udp, first, last, e.Entry.Purpose);
            })
            .ToList();

    public static (int First, int Last) Range(PortSpec port) => port switch
    {
        PortSpec.Port p => (p.Item, p.Item),
        PortSpec.PortRange r => (r.first, r.last),
        _ => throw new ArgumentOutOfRangeException(nameof(port)),
    };

    public static string Version(PluginManifest manifest) => Versions.formatSemVer(manifest.Version);

    public static int CompareVersions(PluginManifest a, PluginManifest b) => Versions.compareSemVer(a.Version, b.Version);

    public static string Kind(PluginManifest manifest) =>
        manifest.Kind.IsProtocol ? "protocol" : manifest.Kind.IsIntegration ? "integration" : "media";
}

public sealed record ManifestParse(PluginManifest? Manifest, IReadOnlyList<string> Errors);

public sealed record FootprintResolution(IReadOnlyList<ResolvedEntry> Entries, IReadOnlyList<string> Errors);

public sealed record ConfigResolution(JsonElement Config, IReadOnlyList<string> Errors);
