module Appliance.Core.Network.Zones

/// A configuration or compile error: where (a dotted JSON path, e.g. "zones.interfaces[1].zone") and a sentence.
type PolicyError =
    {
        Path: string
        Message: string
    }

    override ToString: unit -> string

type IpFamily =
    | V4
    | V6

/// A validated address range with host bits cleared: Network is the canonical text ("10.1.0.0", "fd00::").
type Cidr =
    {
        Family: IpFamily
        Network: string
        PrefixLength: int
    }

    override ToString: unit -> string

/// Pseudo-zone for management ports (portal 443/80, API): reachable only from ManagementSources, on every
/// zone except cameras. A footprint entry names it as its zone.
[<Literal>]
val Management: string = "management"

/// The zones every appliance has; installers may add more with "extraZones".
val wellKnown: string list

/// Names an entry may use besides the defined zones.
val pseudoZones: string list

/// One interface assigned to one zone, as configured.
type InterfaceAssignment = { Name: string; Zone: string }

/// The zone configuration as written by the installer (strings unchecked).
type ZoneConfig =
    {
        ExtraZones: string list
        Interfaces: InterfaceAssignment list
        ManagementSources: string list
        OutboundAllowlist: bool

        /// Per zone: the only source ranges accepted inbound on that zone's interfaces.
        SourceRestrictions: (string * string list) list
    }

/// A validated zone policy.
type ZonePolicy =
    {

        /// Defined zones in order: cameras, site, uplink, then extra zones.
        Zones: string list

        /// Interface name -> zone, in configured order.
        Interfaces: (string * string) list
        ManagementSources: Cidr list
        OutboundAllowlist: bool
        SourceRestrictions: Map<string, Cidr list>
    }

val emptyConfig: ZoneConfig

/// "a, b, c" (used inside interpolated messages).
val joinComma: items: string seq -> string

/// A user-supplied string for an error message: quoted, control characters replaced, at most 60 characters.
val quote: s: string -> string

module Cidr =

    /// "10.0.0.0/24", "fd00::/64", or a single address (taken as /32 or /128). Host bits are cleared.
    val tryParse: text: string -> Cidr option

    /// True when the range holds the address (families must match).
    val contains: range: Cidr -> address: System.Net.IPAddress -> bool

/// Checks a configuration; returns every error, each with its path ("zones.interfaces[1].zone").
val validate: config: ZoneConfig -> Result<ZonePolicy, PolicyError list>

/// The interfaces assigned to a zone, in configured order.
val interfacesOf: policy: ZonePolicy -> zone: string -> string list

/// True for a defined zone or a pseudo-zone ("any", "local", "management").
val isKnownZone: policy: ZonePolicy -> zone: string -> bool
