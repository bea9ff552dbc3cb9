module Appliance.Core.Manifest.IsolationFields

val isolationNames: (string * Appliance.Core.Manifest.Isolation) list

/// The isolation a manifest gets when it does not say: media plugins run in their own process.
val defaultIsolation: kind: Appliance.Core.Manifest.PluginKind -> Appliance.Core.Manifest.Isolation

val isolationName: isolation: Appliance.Core.Manifest.Isolation -> string

/// (JSON name, lowest, highest, description) of each limit.
val limitBounds: (string * int * int * string) list

/// Reads "limits" (an object of memoryMiB, cpuPercent, openFiles; each optional).
val internal parseLimits:
    errors: Appliance.Core.Manifest.JsonRead.Errors ->
    path: string ->
    e: System.Text.Json.JsonElement ->
        Appliance.Core.Manifest.ResourceLimits

/// Reads "isolation" (absent: the default for the kind; an unknown mode is an error naming the known ones).
val internal parseIsolation:
    errors: Appliance.Core.Manifest.JsonRead.Errors ->
    kind: Appliance.Core.Manifest.PluginKind option ->
    map: Map<string, System.Text.Json.JsonElement> ->
        Appliance.Core.Manifest.Isolation option

/// Limits only make sense for a plugin with its own process.
val internal crossCheck:
    errors: Appliance.Core.Manifest.JsonRead.Errors ->
    isolation: Appliance.Core.Manifest.Isolation option ->
    limits: Appliance.Core.Manifest.ResourceLimits ->
        unit

/// Writes "isolation" and, when any limit is set, "limits".
val internal write:
    w: System.Text.Json.Utf8JsonWriter ->
    isolation: Appliance.Core.Manifest.Isolation ->
    limits: Appliance.Core.Manifest.ResourceLimits ->
        unit
