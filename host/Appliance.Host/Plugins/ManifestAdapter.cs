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

    /// <summary>The manifest, or <see cref="Failure.Invalid"/> with every error and its path.</summary>
    public static Result<PluginManifest> Parse(string json) => ManifestFacade.Parse(json);

    /// <summary>The manifest, or null when it is not valid (for callers that only show what is installed).</summary>
    public static PluginManifest? ParseOrNull(string json) => Parse(json) is { IsOk: true } parsed ? parsed.Value : null;

    /// <summary>Null if this host can run the plugin, else why not.</summary>
    public static string? CheckHostApi(PluginManifest manifest) => ManifestFacade.CheckHostApi(manifest, HostApi.Major, HostApi.Minor);

    /// <summary>The configuration section with its defaults filled, or <see cref="Failure.Invalid"/> with every schema error.</summary>
    public static Result<JsonElement> ResolveConfig(PluginManifest manifest, JsonElement? section) =>
        ManifestFacade.ResolveConfig(manifest, section);

    public static IReadOnlyList<ResolvedEntry> Footprint(PluginManifest manifest, JsonElement config) =>
        ManifestFacade.Footprint(manifest, config);

    /// <summary>The footprint resolved from a validated configuration, or every value that does not resolve (with its path).</summary>
    /// <summary>The footprint with the entries switched off by their whenKey too.</summary>
    public static IReadOnlyList<ResolvedEntry> DeclaredFootprint(PluginManifest manifest, JsonElement config) =>
        ManifestFacade.DeclaredFootprint(manifest, config);

    public static Result<ResolvedEntry[]> CheckedFootprint(PluginManifest manifest, JsonElement config) =>
        ManifestFacade.CheckedFootprint(manifest, config);

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
