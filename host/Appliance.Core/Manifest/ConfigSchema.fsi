module Appliance.Core.Manifest.ConfigSchema

val internal typeName: t: Appliance.Core.Manifest.SchemaType -> string

/// Why a value does not fit a setting, or None if it does. Secret values are never echoed.
val internal valueError:
    setting: Appliance.Core.Manifest.ConfigSetting -> value: System.Text.Json.JsonElement -> string option

/// Keys that are malformed, repeated, or both a setting and a group of settings ("rtsp" and "rtsp.port").
val internal keyErrors: path: string -> keys: string list -> Appliance.Core.Manifest.ManifestError list

/// The manifest's "config" object: dotted keys to setting objects, in document order.
val internal parseSchema:
    errors: Appliance.Core.Manifest.JsonRead.Errors ->
    path: string ->
    e: System.Text.Json.JsonElement ->
        Appliance.Core.Manifest.ConfigSetting list

/// Writes the schema back as the manifest's "config" object (the inverse of parseSchema).
val internal writeSchema:
    w: System.Text.Json.Utf8JsonWriter -> settings: Appliance.Core.Manifest.ConfigSetting list -> unit

/// Validates a plugin's configuration section (nested objects for dotted keys) against its schema and returns
/// the complete section with defaults filled in, or every problem found, with paths under "config".
val resolve:
    schema: Appliance.Core.Manifest.ConfigSetting list ->
    section: System.Text.Json.JsonElement option ->
        Result<System.Text.Json.JsonElement, Appliance.Core.Manifest.ManifestError list>

/// The value at a dotted key ("rtsp.port") of a resolved configuration section.
val tryGet: config: System.Text.Json.JsonElement -> key: string -> System.Text.Json.JsonElement option

/// The integer at a dotted key, if there is one that fits an int.
val tryGetInt: config: System.Text.Json.JsonElement -> key: string -> int option
