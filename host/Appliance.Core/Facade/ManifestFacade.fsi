namespace Appliance.Core.Manifest

/// Plugin manifests for C# callers (the host): arrays, nullables and `Appliance.Abstractions.Result<T>` (failure
/// `invalid`, one "path: message" per line) instead of F# lists, options and results.
[<AbstractClass; Sealed; Class>]
type ManifestFacade =

    /// Null if a host of API `major.minor` can run the plugin, else why not.
    static member CheckHostApi: manifest: PluginManifest * major: int * minor: int -> string | null

    /// The footprint resolved from a validated configuration, or every value that does not resolve (with its path).
    static member CheckedFootprint:
        manifest: PluginManifest * config: System.Text.Json.JsonElement ->
            Appliance.Abstractions.Result<Appliance.Core.Network.ResolvedEntry array>

    static member CompareVersions: a: PluginManifest * b: PluginManifest -> int

    /// The configuration key the entry's port comes from, null when fixed.
    static member ConfigKey: entry: FootprintEntry -> string | null

    /// The footprint with the entries switched off by their whenKey too (see `Footprint.resolveDeclared`).
    static member DeclaredFootprint:
        manifest: PluginManifest * config: System.Text.Json.JsonElement -> Appliance.Core.Network.ResolvedEntry array

    /// The footprint with configuration applied (total: see `Footprint.resolve`).
    static member Footprint:
        manifest: PluginManifest * config: System.Text.Json.JsonElement -> Appliance.Core.Network.ResolvedEntry array

    /// The entry's host name, null when it has none.
    static member Fqdn: entry: FootprintEntry -> string | null

    /// True when the entry's peer comes from the plugin's configuration (an `fqdnKey` or `targetsKey` setting).
    static member PeerFromConfig: entry: FootprintEntry -> bool

    /// The manifest's resource limits; null where it sets none.
    static member Limits:
        manifest: PluginManifest -> struct (System.Nullable<int> * System.Nullable<int> * System.Nullable<int>)

    /// Reads and validates a manifest; every error with its path.
    static member Parse: json: string -> Appliance.Abstractions.Result<PluginManifest>

    /// The first and last port of a port or a range.
    static member Range: port: PortSpec -> struct (int * int)

    /// A plugin's JSON schema for one of its event types, checked (every error with its path).
    static member ParseEventSchema: json: string -> Appliance.Abstractions.Result<System.Text.Json.JsonElement>

    /// Whether a route template is absolute ("/whep/{id}") rather than under the plugin's prefix, or why it is not
    /// a template.
    static member IsAbsoluteTemplate: template: string -> Appliance.Abstractions.Result<bool>

    /// The configuration with the schema's defaults applied (`section` null or undefined: none given), or every
    /// error with its path.
    static member ResolveConfig:
        manifest: PluginManifest * section: System.Nullable<System.Text.Json.JsonElement> ->
            Appliance.Abstractions.Result<System.Text.Json.JsonElement>

    /// The manifest's absolute routes that collide with a host route or a route of `others`.
    static member RouteCollisions: manifest: PluginManifest * others: PluginManifest seq -> string array

    static member Version: manifest: PluginManifest -> string

    /// The dotted keys of the settings declared secret (never shown back).
    static member SecretKeys: manifest: PluginManifest -> string array
