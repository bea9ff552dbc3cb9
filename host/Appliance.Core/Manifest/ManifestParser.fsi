module Appliance.Core.Manifest.ManifestParser

/// Larger manifests are refused before parsing.
[<Literal>]
val MaxManifestBytes: int = 262144

/// Deeper JSON is refused by the parser (a manifest needs 4 levels; config defaults may nest a little).
[<Literal>]
val MaxDepth: int = 32

val capabilityNames: (string * Appliance.Core.Manifest.Capability) list

/// Parses and validates plugin.json text; every problem found is returned, each with its JSON path.
val parse: text: string -> Result<Appliance.Core.Manifest.PluginManifest, Appliance.Core.Manifest.ManifestError list>

/// plugin.json text for a manifest (indented, field order as documented); parse (serialize m) = Ok m.
val serialize: manifest: Appliance.Core.Manifest.PluginManifest -> string
