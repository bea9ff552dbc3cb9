namespace Appliance.Core.Manifest

/// What kind of plugin: a protocol (RTSP, ONVIF...), an integration (a VMS, email...), or the media process.
type PluginKind =
    | Protocol
    | Integration
    | Media

type SemVer =
    {
        Major: int
        Minor: int
        Patch: int
        PreRelease: string option
    }

/// The host API version a plugin needs: same major, minor at most the host's.
type ApiVersion = { Major: int; Minor: int }

type Direction =
    | Inbound
    | Outbound

type Transport =
    | Tcp
    | Udp

/// A single port or an inclusive range.
type PortSpec =
    | Port of int
    | PortRange of first: int * last: int

/// Where a network entry takes more than its port from the plugin's validated configuration (HostApi 1.1).
type ConfigSource =

    /// A string setting holding "first-last" (or one port) that replaces the entry's port range.
    | PortRangeKey of string

    /// A string setting holding a host name or IP address that replaces the entry's FQDN; empty = no entry.
    | FqdnKey of string

    /// An array setting of {host, port, transport} objects: one outbound entry per item; empty = no entry.
    | TargetsKey of string

/// One line of a plugin's network footprint: what it opens or connects to, and why.
type FootprintEntry =
    {
        Direction: Direction
        Transport: Transport
        Port: PortSpec

        /// Zone of the peer: "cameras", "site", "uplink", "any", or a zone the installer defined.
        Zone: string

        /// Peer host name for outbound entries (allowlists for proxies and content filters).
        Fqdn: string option
        Purpose: string
        Required: bool

        /// Dotted path in the plugin's config whose value replaces the port (e.g. "rtsp.port").
        ConfigKey: string option

        /// Multicast group for discovery protocols (e.g. 239.255.255.250).
        Multicast: string option

        /// Range, host or targets taken from the configuration (portRangeKey, fqdnKey, targetsKey).
        FromConfig: ConfigSource option

        /// Boolean setting that switches the entry on: while it is false the entry is not in use (not opened,
        /// not listed by default).
        WhenKey: string option
    }

type Capability =
    | PrivilegedPort
    | Gpio
    | HardwareCodec
    | Multicast
    | RawSocket
    | ChildProcess

type SchemaType =
    | SString
    | SInteger
    | SNumber
    | SBoolean
    | SArray
    | SObject

/// One configuration setting: its type, default and bounds. Nested settings use dotted keys ("rtsp.port").
/// Equality compares the default by JSON value (JsonElement itself compares document positions, so two
/// parses of the same manifest would otherwise never be equal).
[<CustomEquality; NoComparison>]
type ConfigSetting =
    {
        Key: string
        Type: SchemaType
        Default: System.Text.Json.JsonElement option
        Description: string
        Minimum: decimal option
        Maximum: decimal option
        Enum: string list
        Secret: bool
    }

    interface System.IEquatable<ConfigSetting>

    override Equals: other: (obj | null) -> bool

    override GetHashCode: unit -> int

/// The access a declared route needs: a role, or none because the plugin authenticates the request itself.
type RouteAccess =
    | AdminAccess
    | OperatorAccess
    | ViewerAccess
    | OwnAuth

/// One segment of a route template.
type RouteSegment =
    | Literal of string

    /// "{name}": any one segment.
    | Parameter of string

    /// "{**name}": the rest of the path (last segment only).
    | CatchAll of string

/// A route declared in the manifest ("routes"): a template relative to /plugins/{id}/ or absolute.
type RouteDeclaration =
    {
        Path: string
        Absolute: bool
        Segments: RouteSegment list
        Methods: string list
        Access: RouteAccess
        MaxRequestBytes: int64
        Purpose: string
    }

/// A portal page: a navigation entry titled Title that shows the plugin's GET route Route inside the portal.
type PortalPage = { Title: string; Route: string }

/// An event type a plugin declares, with its JSON schema (kept as text; validated by EventSchema).
type EventDeclaration =
    {
        Type: string
        Category: string
        Description: string
        Schema: string
    }

/// The HostApi 1.1 declarations of a manifest; all empty for a 1.0 manifest.
type SurfaceDeclarations =
    {
        Routes: RouteDeclaration list
        Portal: PortalPage option
        Events: EventDeclaration list
        DigestRealms: string list
    }

    static member Empty: SurfaceDeclarations

/// Where a plugin runs: inside the host process, or in its own plugin-host child process (HostApi 1.1).
type Isolation =
    | InProcess
    | Process

/// Resource limits of an isolated plugin's process; None = the host's default.
type ResourceLimits =
    {

        /// Address-space / memory cap in MiB.
        MemoryMiB: int option

        /// CPU share in percent of one core (100 = one whole core).
        CpuPercent: int option

        /// Open file descriptors.
        OpenFiles: int option
    }

    static member None: ResourceLimits

type PluginManifest =
    {
        Id: string
        Version: SemVer
        Kind: PluginKind
        Name: string
        Description: string
        EntryAssembly: string
        HostApi: ApiVersion
        Config: ConfigSetting list
        Network: FootprintEntry list
        Capabilities: Capability list

        /// Routes, portal page, event types and Digest realms (HostApi 1.1).
        Surface: SurfaceDeclarations

        /// "isolation"; absent = Process for kind media, else InProcess.
        Isolation: Isolation

        /// "limits"; only meaningful for an isolated plugin.
        Limits: ResourceLimits
    }

/// A validation failure with the JSON path it concerns: "network[2].port: 70000 is not a TCP/UDP port".
type ManifestError =
    {
        Path: string
        Message: string
    }

    override ToString: unit -> string
