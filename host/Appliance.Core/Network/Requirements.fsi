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

/// Host names the appliance connects to (outbound entries with an FQDN), without repeats, sorted.
val fqdnAllowlist: entries: Appliance.Core.Network.ResolvedEntry list -> string list

/// The allowlist with ports, one "host:port/proto" line each (e.g. "relay.example.net:443/tcp").
val allowlistText: entries: Appliance.Core.Network.ResolvedEntry list -> string

/// The requirements page in Markdown: title, how it was made, the table, the FQDN allowlist and notes.
val toMarkdown: rows: RequirementRow list -> string

/// The table and the allowlist as JSON: {"requirements": [...], "fqdnAllowlist": [...]}.
val toJson: rows: RequirementRow list -> string

/// A CSV field per RFC 4180: quoted when it holds a comma, quote or line break, quotes doubled. A field that a
/// spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe.
val csvField: s: string -> string

/// The table as CSV (RFC 4180: header line, CRLF line ends).
val toCsv: rows: RequirementRow list -> string
