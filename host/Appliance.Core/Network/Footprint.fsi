module Appliance.Core.Network.Footprint

/// The owner of the host's own footprint entries.
[<Literal>]
val HostOwner: string = "appliance.host"

/// The maintenance SSH server's port, in the footprint only while SSH is enabled.
[<Literal>]
val SshPort: int = 22

/// Problems in the host's network settings, each with its path under "hostNetwork".
val validateHostSettings: s: Appliance.Core.Network.HostNetworkSettings -> Appliance.Core.Manifest.ManifestError list

/// The host's own footprint: portal (and SSH, when enabled) in; DNS, NTP, updates, cloud MQTT, the proxy and the login directory out.
val hostEntries: s: Appliance.Core.Network.HostNetworkSettings -> Appliance.Core.Network.ResolvedEntry list

/// A plugin's footprint made concrete from its validated configuration: configKey ports, portRangeKey ranges,
/// fqdnKey hosts and targetsKey lists applied. A value that does not resolve is an error with its path under
/// "config"; the host refuses such a configuration. Entries of an empty host or target list are left out.
val resolveChecked:
    manifest: Appliance.Core.Manifest.PluginManifest ->
    config: System.Text.Json.JsonElement ->
        Result<Appliance.Core.Network.ResolvedEntry list, Appliance.Core.Manifest.ManifestError list>

/// Whether an entry is switched on: no whenKey, or its boolean setting true in the configuration (else its default).
val inUse:
    manifest: Appliance.Core.Manifest.PluginManifest ->
    config: System.Text.Json.JsonElement ->
    e: Appliance.Core.Manifest.FootprintEntry ->
        bool

/// A plugin's footprint with configuration applied, total: entries whose configured value does not resolve keep
/// their declared port (configKey, portRangeKey) or are left out (fqdnKey, targetsKey); entries switched off by
/// their whenKey are left out.
val resolve:
    manifest: Appliance.Core.Manifest.PluginManifest ->
    config: System.Text.Json.JsonElement ->
        Appliance.Core.Network.ResolvedEntry list

/// As `resolve`, with the entries switched off by their whenKey too (the requirements page's "show all").
val resolveDeclared:
    manifest: Appliance.Core.Manifest.PluginManifest ->
    config: System.Text.Json.JsonElement ->
        Appliance.Core.Network.ResolvedEntry list

val internal range: p: Appliance.Core.Manifest.PortSpec -> int * int

val internal portsText: first: int * last: int -> string

val internal transportName: t: Appliance.Core.Manifest.Transport -> string

/// Two different owners listening inbound on the same transport and overlapping ports (port 0, "chosen by the
/// system", never collides). Sorted and without repeats, so the order of the input does not matter.
val collisions: entries: Appliance.Core.Network.ResolvedEntry list -> Appliance.Core.Manifest.ManifestError list
