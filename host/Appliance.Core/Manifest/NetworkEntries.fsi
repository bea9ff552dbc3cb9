module Appliance.Core.Manifest.NetworkEntries

/// A host name of at least two labels (RFC 1123), lower case, not an IP address.
val internal isFqdn: name: string -> bool

val internal portRange: p: Appliance.Core.Manifest.PortSpec -> int * int

val internal portText: p: Appliance.Core.Manifest.PortSpec -> string

/// "554" or "49152-65535" as a port spec, or why not (used for manifests and for configured ranges).
val internal parsePortText: text: string -> Result<Appliance.Core.Manifest.PortSpec, string>

/// One entry of "network"; checks that concern only the entry itself.
val internal parseEntry:
    errors: Appliance.Core.Manifest.JsonRead.Errors ->
    path: string ->
    e: System.Text.Json.JsonElement ->
        Appliance.Core.Manifest.FootprintEntry option

/// Checks across sections: config keys of network entries, privileged inbound ports.
val internal crossCheck:
    errors: Appliance.Core.Manifest.JsonRead.Errors ->
    settings: Appliance.Core.Manifest.ConfigSetting list ->
    declaredKeys: string list ->
    capabilities: Appliance.Core.Manifest.Capability list ->
    entries: (int * Appliance.Core.Manifest.FootprintEntry) list ->
        unit
