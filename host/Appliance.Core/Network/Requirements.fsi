module Appliance.Core.Network.Requirements

/// One row of the requirements table.
type RequirementRow =
    {
        Direction: Appliance.Core.Manifest.Direction
        Transport: Appliance.Core.Manifest.Transport
        FirstPort: int
        LastPort: int

        /// "554" or "49152-65535".
        Ports: string
        Zone: string
        Fqdn: string option
        Purpose: string
        Required: bool
        Owner: string
        ConfigKey: string option
        Multicast: string option
    }

/// The table rows: loopback-only entries (zone "local") left out, repeats removed,
/// inbound first, then by port, transport, zone, FQDN and owner.
val build: entries: Appliance.Core.Network.ResolvedEntry list -> RequirementRow list

/// Host names the appliance connects to (outbound entries with a host name, not an IP address), without repeats, sorted.
val fqdnAllowlist: entries: Appliance.Core.Network.ResolvedEntry list -> string list

/// The allowlist with ports, one "host:port/proto" line each (e.g. "relay.example.net:443/tcp").
val allowlistText: entries: Appliance.Core.Network.ResolvedEntry list -> string

/// The notes under the table (zones, ephemeral ports, multicast, content filtering, config keys, cameras, optional
/// rows), as Markdown items (zone names in backticks).
val notes: rows: RequirementRow list -> string list

/// The requirements page in Markdown: title, how it was made, the table, the FQDN allowlist and notes.
val toMarkdown: rows: RequirementRow list -> string

/// The table and the allowlist as JSON: {"requirements": [...], "fqdnAllowlist": [...]}.
val toJson: rows: RequirementRow list -> string

/// A CSV field per RFC 4180: quoted when it holds a comma, quote or line break, quotes doubled. A field that a
/// spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe.
val csvField: s: string -> string

/// The table as CSV (RFC 4180: header line, CRLF line ends).
val toCsv: rows: RequirementRow list -> string

/// A camera as the requirements see it: the ports its own addresses use (RTSP and ONVIF), from its URIs.
type CameraPeer =
    {
        Name: string
        Host: string
        RtspPort: int option
        OnvifPort: int option
    }

/// Outbound entries for cameras whose RTSP or ONVIF port is one no footprint entry of the cameras zone covers
/// (a camera on 8554): owner "camera <name>", the camera's host as the peer.
val cameraEntries:
    cameras: CameraPeer list ->
    entries: Appliance.Core.Network.ResolvedEntry list ->
        Appliance.Core.Network.ResolvedEntry list

/// Who opens a connection and who answers, for IT's "from -> to" columns.
type Endpoints = { From: string; To: string }

/// The row's two ends: a zone with the sources it accepts (`sources`: zone -> ranges; none: any host of the zone),
/// the appliance with its addresses in that zone (`appliance`: zone -> addresses; none: every address), a peer by
/// name or address, a multicast group.
val endpoints:
    sources: Map<string, string list> -> appliance: Map<string, string list> -> row: RequirementRow -> Endpoints
