module Appliance.Core.Manifest.EventSchema

val isTypeName: s: string -> bool

val categoryNames: string list

/// Deepest schema nesting accepted.
[<Literal>]
val MaxDepth: int = 16

/// Parses schema text; every problem with its path ("schema.properties.bytes.minimum: expected a number").
val parse: text: string -> Result<System.Text.Json.JsonElement, Appliance.Core.Manifest.ManifestError list>

/// The first problems of a payload against a schema parsed by `parse`, with JSON paths ("data.cameraId").
val validate:
    schema: System.Text.Json.JsonElement ->
    path: string ->
    v: System.Text.Json.JsonElement ->
        Appliance.Core.Manifest.ManifestError list

/// Parses the manifest's "events" section.
val internal parseEvents:
    errors: Appliance.Core.Manifest.JsonRead.Errors ->
    path: string ->
    e: System.Text.Json.JsonElement ->
        Appliance.Core.Manifest.EventDeclaration list
