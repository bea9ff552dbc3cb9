namespace Appliance.Core.Network

open Appliance.Core.Manifest

/// A footprint entry whose port is concrete (configuration applied), with the plugin that owns it
/// ("appliance.host" for the host's own entries).
type ResolvedEntry =
    { Owner: string; Entry: FootprintEntry }

/// The well-known zone names. Installers may define more.
module ZoneNames =
    [<Literal>]
    let Cameras = "cameras"

    [<Literal>]
    let Site = "site"

    [<Literal>]
    let Uplink = "uplink"

    /// An entry for any zone (e.g. DNS to whichever resolver is configured).
    [<Literal>]
    let Any = "any"

    /// The appliance itself (loopback): never firewalled, never listed as exposed.
    [<Literal>]
    let Local = "local"
