module Appliance.Core.PluginRepository.RepositoryTypes

/// One package of a channel. `Url` is relative to the index (checked: no scheme, no "..", no absolute path).
type RepoPackage =
    {
        Id: string
        Version: Appliance.Core.Manifest.SemVer
        HostApi: Appliance.Core.Manifest.ApiVersion

        /// Hardware models the package runs on; "*" means any model.
        Hardware: string list
        Url: string
        Size: int64

        /// Lower-case hex SHA-256 of the package file.
        Sha256: string
    }

/// `index.json`: a serial that only grows, when it was published and until when it may be trusted.
type RepoIndex =
    {
        Serial: int64
        Published: System.DateTimeOffset
        Expires: System.DateTimeOffset

        /// Channel name ("stable", "beta", ...) to its packages, in document order.
        Channels: Map<string, RepoPackage list>
    }

/// Why the appliance refuses an index or a package: a short stable code a caller branches on and a sentence.
/// Codes: malformed, expired, replayed, not-found, hardware, host-api, downgrade, up-to-date, not-installed, installed.
type RepoRefusal =
    {
        Code: string
        Message: string
    }

    override ToString: unit -> string

/// What installing a chosen package means for the plugin as installed now.
type RepoAction =

    /// Not installed yet.
    | Install

    /// A newer version than the installed one.
    | Update of installed: Appliance.Core.Manifest.SemVer

    /// An older version than the installed one: only when forced.
    | Downgrade of installed: Appliance.Core.Manifest.SemVer

    /// The installed version again: only when forced.
    | Reinstall
