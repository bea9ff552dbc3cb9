module Appliance.Core.PluginRepository.RepositoryPolicy

/// An index is trusted only before it expires and only if its serial is not older than the last one accepted
/// (`lastSerial`; None before the first). The same serial again is the same index fetched twice.
val checkFreshness:
    now: System.DateTimeOffset ->
    lastSerial: int64 option ->
    index: Appliance.Core.PluginRepository.RepositoryTypes.RepoIndex ->
        Result<unit, Appliance.Core.PluginRepository.RepositoryTypes.RepoRefusal>

/// A package runs on `model` when it names it or "*".
val fitsHardware: model: string -> p: Appliance.Core.PluginRepository.RepositoryTypes.RepoPackage -> bool

/// A package runs on this host when its host API is one the host provides (same major, minor not newer).
val fitsHostApi:
    host: Appliance.Core.Manifest.ApiVersion -> p: Appliance.Core.PluginRepository.RepositoryTypes.RepoPackage -> bool

/// The packages of a channel (all of them, also those that do not fit; the catalog shows why).
val packages:
    index: Appliance.Core.PluginRepository.RepositoryTypes.RepoIndex ->
    channel: string ->
        Appliance.Core.PluginRepository.RepositoryTypes.RepoPackage list

/// The package to install for plugin `id` from `channel`: the given version, or else the newest that fits the
/// hardware model and host API. Each reason a listed package does not fit is named.
val choose:
    index: Appliance.Core.PluginRepository.RepositoryTypes.RepoIndex ->
    channel: string ->
    id: string ->
    version: Appliance.Core.Manifest.SemVer option ->
    model: string ->
    host: Appliance.Core.Manifest.ApiVersion ->
        Result<
            Appliance.Core.PluginRepository.RepositoryTypes.RepoPackage,
            Appliance.Core.PluginRepository.RepositoryTypes.RepoRefusal
         >

/// What installing `candidate` means when `installed` is the installed version (None: not installed). A downgrade
/// or the same version again is refused unless `force`.
val decide:
    installed: Appliance.Core.Manifest.SemVer option ->
    candidate: Appliance.Core.Manifest.SemVer ->
    force: bool ->
        Result<
            Appliance.Core.PluginRepository.RepositoryTypes.RepoAction,
            Appliance.Core.PluginRepository.RepositoryTypes.RepoRefusal
         >
