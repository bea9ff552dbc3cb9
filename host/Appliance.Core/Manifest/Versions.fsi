module Appliance.Core.Manifest.Versions

/// Parses "MAJOR.MINOR.PATCH" with an optional "-PRERELEASE". Build metadata ("+...") is refused:
/// it would be lost, since it does not take part in precedence.
val parseSemVer: text: string -> Result<Appliance.Core.Manifest.SemVer, string>

val formatSemVer: v: Appliance.Core.Manifest.SemVer -> string

/// Precedence per semver 2.0.0: -1, 0 or 1. A pre-release sorts before its release.
val compareSemVer: a: Appliance.Core.Manifest.SemVer -> b: Appliance.Core.Manifest.SemVer -> int

/// Parses "MAJOR.MINOR" (e.g. "1.0").
val parseApiVersion: text: string -> Result<Appliance.Core.Manifest.ApiVersion, string>

val formatApiVersion: v: Appliance.Core.Manifest.ApiVersion -> string

/// A host can run a plugin built for the same major version and a minor version it already provides.
val checkHostApi:
    host: Appliance.Core.Manifest.ApiVersion ->
    required: Appliance.Core.Manifest.ApiVersion ->
        Result<unit, Appliance.Core.Manifest.ManifestError>
