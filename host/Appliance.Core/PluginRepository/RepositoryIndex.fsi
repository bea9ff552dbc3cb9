module Appliance.Core.PluginRepository.RepositoryIndex

/// The largest index read (4 MiB).
[<Literal>]
val MaxIndexBytes: int = 4194304

/// The most packages one channel may list.
[<Literal>]
val MaxPackagesPerChannel: int = 2000

/// The largest package an index may announce (512 MiB, what the installer unpacks at most).
[<Literal>]
val MaxPackageBytes: int64 = 536870912L

/// The index format this appliance reads.
[<Literal>]
val FormatVersion: int = 1

/// A relative URL inside the repository: letters, digits and ._~/- only, no "." or ".." segment, no leading "/".
val validRelativeUrl: url: string -> bool

/// Reads an index from its UTF-8 bytes (exactly what was signed).
val parse:
    bytes: byte array ->
        Result<Appliance.Core.PluginRepository.RepositoryTypes.RepoIndex, Appliance.Core.Manifest.ManifestError list>

/// The index as UTF-8 JSON (indented); parse (serialize i) = Ok i for a valid index.
val serialize: idx: Appliance.Core.PluginRepository.RepositoryTypes.RepoIndex -> byte array
