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

public sealed record ConfigResolution(JsonElement Config, IReadOnlyList<string> Errors);
