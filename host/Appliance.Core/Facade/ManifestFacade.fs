namespace Appliance.Core.Manifest

open System
open System.Text.Json
open Appliance.Core
open Appliance.Core.Network

/// Plugin manifests for C# callers (the host): arrays, nullables and `Appliance.Abstractions.Result<T>` (failure
/// `invalid`, one "path: message" per line) instead of F# lists, options and results.
[<AbstractClass; Sealed>]
type ManifestFacade =
    /// Reads and validates a manifest; every error with its path.
    static member Parse(json: string) : Appliance.Abstractions.Result<PluginManifest> =
        ManifestParser.parse json |> FacadeResult.ofList string

    /// Null if a host of API `major.minor` can run the plugin, else why not.
    static member CheckHostApi(manifest: PluginManifest, major: int, minor: int) : string | null =
        match Versions.checkHostApi { Major = major; Minor = minor } manifest.HostApi with
        | Ok() -> null
        | Error e -> string e

    /// The configuration with the schema's defaults applied (`section` null or undefined: none given), or every
    /// error with its path.
    static member ResolveConfig
        (manifest: PluginManifest, section: Nullable<JsonElement>)
        : Appliance.Abstractions.Result<JsonElement> =
        let given =
            if
                section.HasValue
                && section.Value.ValueKind <> JsonValueKind.Undefined
                && section.Value.ValueKind <> JsonValueKind.Null
            then
                Some section.Value
            else
                None

        ConfigSchema.resolve manifest.Config given |> FacadeResult.ofList string

    /// The footprint with configuration applied (total: see `Footprint.resolve`).
    static member Footprint(manifest: PluginManifest, config: JsonElement) : ResolvedEntry[] =
        Footprint.resolve manifest config |> Array.ofList

    /// The footprint with the entries switched off by their whenKey too (see `Footprint.resolveDeclared`).
    static member DeclaredFootprint(manifest: PluginManifest, config: JsonElement) : ResolvedEntry[] =
        Footprint.resolveDeclared manifest config |> Array.ofList

    /// The footprint resolved from a validated configuration, or every value that does not resolve (with its path).
    static member CheckedFootprint
        (manifest: PluginManifest, config: JsonElement)
        : Appliance.Abstractions.Result<ResolvedEntry[]> =
        Footprint.resolveChecked manifest config
        |> Result.map Array.ofList
        |> FacadeResult.ofList string

    /// The manifest's absolute routes that collide with a host route or a route of `others`.
    static member RouteCollisions(manifest: PluginManifest, others: PluginManifest seq) : string[] =
        let declared =
            [
                for o in others do
                    for r in o.Surface.Routes -> o.Id, r
            ]

        Routes.collisions Routes.hostRouteTemplates declared manifest.Id manifest.Surface.Routes
        |> List.map string
        |> Array.ofList

    /// A plugin's JSON schema for one of its event types, checked (every error with its path).
    static member ParseEventSchema(json: string) : Appliance.Abstractions.Result<JsonElement> =
        EventSchema.parse json |> FacadeResult.ofList string

    /// Whether a route template is absolute ("/whep/{id}") rather than under the plugin's prefix, or why it is not
    /// a template.
    static member IsAbsoluteTemplate(template: string) : Appliance.Abstractions.Result<bool> =
        Routes.parseTemplate template |> Result.map fst |> FacadeResult.ofOne id

    /// The manifest's resource limits; null where it sets none.
    static member Limits(manifest: PluginManifest) : struct (Nullable<int> * Nullable<int> * Nullable<int>) =
        let l = manifest.Limits
        struct (Option.toNullable l.MemoryMiB, Option.toNullable l.CpuPercent, Option.toNullable l.OpenFiles)

    static member Version(manifest: PluginManifest) : string = Versions.formatSemVer manifest.Version

    static member SecretKeys(manifest: PluginManifest) : string array =
        manifest.Config
        |> List.filter (fun s -> s.Secret)
        |> List.map (fun s -> s.Key)
        |> Array.ofList

    static member CompareVersions(a: PluginManifest, b: PluginManifest) : int =
        Versions.compareSemVer a.Version b.Version

    /// The first and last port of a port or a range.
    static member Range(port: PortSpec) : struct (int * int) =
        match port with
        | Port p -> struct (p, p)
        | PortRange(first, last) -> struct (first, last)

    /// The entry's host name, null when it has none.
    static member Fqdn(entry: FootprintEntry) : string | null = Option.toObj entry.Fqdn

    /// True when the entry's peer comes from the plugin's configuration (an `fqdnKey` or `targetsKey` setting).
    static member PeerFromConfig(entry: FootprintEntry) : bool =
        match entry.FromConfig with
        | Some(FqdnKey _)
        | Some(TargetsKey _) -> true
        | _ -> false

    /// The configuration key the entry's port comes from, null when fixed.
    static member ConfigKey(entry: FootprintEntry) : string | null = Option.toObj entry.ConfigKey
