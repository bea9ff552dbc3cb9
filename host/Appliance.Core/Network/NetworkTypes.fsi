namespace Appliance.Core.Network

/// A footprint entry whose port is concrete (configuration applied), with the plugin that owns it
/// ("appliance.host" for the host's own entries).
type ResolvedEntry =
    {
        Owner: string
        Entry: Appliance.Core.Manifest.FootprintEntry
    }

/// The well-known zone names. Installers may define more.
module ZoneNames =

    [<Literal>]
    val Cameras: string = "cameras"

    [<Literal>]
    val Site: string = "site"

    [<Literal>]
    val Uplink: string = "uplink"

    /// An entry for any zone (e.g. DNS to whichever resolver is configured).
    [<Literal>]
    val Any: string = "any"

    /// The appliance itself (loopback): never firewalled, never listed as exposed.
    [<Literal>]
    val Local: string = "local"
