namespace Appliance.Core.Manifest

/// What kind of plugin: a protocol (RTSP, ONVIF...), an integration (a VMS, email...), or the media process.
type PluginKind =
    | Protocol
    | Integration
    | Media

type SemVer =
    { Major: int
      Minor: int
      Patch: int
      PreRelease: string option }

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

/// One line of a plugin's network footprint: what it opens or connects to, and why.
type FootprintEntry =
    { Direction: Direction
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
      Multicast: string option }

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
    { Key: string
      Type: SchemaType
      Default: System.Text.Json.JsonElement option
      Description: string
      Minimum: decimal option
      Maximum: decimal option
      Enum: string list
      Secret: bool }

    member private this.Fields =
        (this.Key, this.Type, this.Description, this.Minimum, this.Maximum, this.Enum, this.Secret)

    override this.Equals(other: obj) =
        match other with
        | :? ConfigSetting as o ->
            this.Fields = o.Fields
            && (match this.Default, o.Default with
                | None, None -> true
                | Some a, Some b -> System.Text.Json.JsonElement.DeepEquals(a, b)
                | _ -> false)
        | _ -> false

    override this.GetHashCode() = hash (this.Fields, this.Default.IsSome)

    interface System.IEquatable<ConfigSetting> with
        member this.Equals(other: ConfigSetting) = this.Equals(box other)

type PluginManifest =
    { Id: string
      Version: SemVer
      Kind: PluginKind
      Name: string
      Description: string
      EntryAssembly: string
      HostApi: ApiVersion
      Config: ConfigSetting list
      Network: FootprintEntry list
      Capabilities: Capability list }

/// A validation failure with the JSON path it concerns: "network[2].port: 70000 is not a TCP/UDP port".
type ManifestError =
    { Path: string
      Message: string }

    override this.ToString() =
        if this.Path = "" then this.Message else $"{this.Path}: {this.Message}"
