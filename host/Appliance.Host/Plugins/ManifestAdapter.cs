using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Core;
using Appliance.Core.Manifest;
using Appliance.Core.Network;

namespace Appliance.Host.Plugins;

/// <summary>The host's manifest questions, answered by the F# core's C# façade (<see cref="ManifestFacade"/>) in the host's own shapes.</summary>
public static class ManifestAdapter
{
    public static readonly ApiVersion HostApiVersion = new(HostApi.Major, HostApi.Minor);

    public static ManifestParse Parse(string json)
    {
        var result = ManifestFacade.Parse(json);
        return result.IsOk ? new ManifestParse(result.Value, []) : new ManifestParse(null, Facade.Errors(result.Failure));
    }

    /// <summary>Null if this host can run the plugin, else why not.</summary>
    public static string? CheckHostApi(PluginManifest manifest) => ManifestFacade.CheckHostApi(manifest, HostApi.Major, HostApi.Minor);

    public static ConfigResolution ResolveConfig(PluginManifest manifest, JsonElement? section)
    {
        var result = ManifestFacade.ResolveConfig(manifest, section);
        return result.IsOk ? new ConfigResolution(result.Value, []) : new ConfigResolution(default, Facade.Errors(result.Failure));
    }

    public static IReadOnlyList<ResolvedEntry> Footprint(PluginManifest manifest, JsonElement config) =>
        ManifestFacade.Footprint(manifest, config);

    /// <summary>The footprint resolved from a validated configuration, or every value that does not resolve (with its path).</summary>
    public static FootprintResolution CheckedFootprint(PluginManifest manifest, JsonElement config)
    {
        var result = ManifestFacade.CheckedFootprint(manifest, config);
        return result.IsOk ? new FootprintResolution(result.Value, []) : new FootprintResolution([], Facade.Errors(result.Failure));
    }

    /// <summary>The manifest's absolute routes that collide with a host route or a route of <paramref name="others"/>.</summary>
    public static IReadOnlyList<string> RouteCollisions(PluginManifest manifest, IEnumerable<PluginManifest> others) =>
        ManifestFacade.RouteCollisions(manifest, others);

    public static Appliance.Abstractions.Events.EventCategory Category(string name) => name switch
    {
        "camera" => Appliance.Abstractions.Events.EventCategory.Camera,
        "alarm" => Appliance.Abstractions.Events.EventCategory.Alarm,
        "analytics" => Appliance.Abstractions.Events.EventCategory.Analytics,
        _ => Appliance.Abstractions.Events.EventCategory.System,
    };

    public static IReadOnlyList<string> Collisions(IEnumerable<ResolvedEntry> entries) => NetworkFacade.Collisions(entries);

    public static IReadOnlyList<DeclaredPort> InboundPorts(IEnumerable<ResolvedEntry> entries) =>
        entries.Where(e => e.Entry.Direction.IsInbound)
            .Select(e =>
            {
                var (first, last) = Range(e.Entry.Port);
                return new DeclaredPort(e.Entry.Transport.IsTcp ? SocketTransport.Tcp : SocketTransport.Udp, first, last, e.Entry.Purpose);
            })
            .ToList();

    public static (int First, int Last) Range(PortSpec port) => ManifestFacade.Range(port);

    public static string Version(PluginManifest manifest) => ManifestFacade.Version(manifest);

    public static int CompareVersions(PluginManifest a, PluginManifest b) => ManifestFacade.CompareVersions(a, b);

    public static string Kind(PluginManifest manifest) =>
        manifest.Kind.IsProtocol ? "protocol" : manifest.Kind.IsIntegration ? "integration" : "media";
}

public sealed record ManifestParse(PluginManifest? Manifest, IReadOnlyList<string> Errors);

public sealed record FootprintResolution(IReadOnlyList<ResolvedEntry> Entries, IReadOnlyList<string> Errors);

public sealed record ConfigResolution(JsonElement Config, IReadOnlyList<string> Errors);
