/// The signed plugin repository's index, as the appliance reads it: channels of packages, each a plugin version for
/// some hardware models with the host API it needs, where to fetch it and what its bytes must hash to.
module Appliance.Core.PluginRepository.RepositoryTypes

open System
open Appliance.Core.Manifest

/// One package of a channel. `Url` is relative to the index (checked: no scheme, no "..", no absolute path).
type RepoPackage =
    {
        Id: string
        Version: SemVer
        HostApi: ApiVersion
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
        Published: DateTimeOffset
        Expires: DateTimeOffset
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

    override this.ToString() = $"{this.Code}: {this.Message}"

/// What installing a chosen package means for the plugin as installed now.
type RepoAction =
    /// Not installed yet.
    | Install
    /// A newer version than the installed one.
    | Update of installed: SemVer
    /// An older version than the installed one: only when forced.
    | Downgrade of installed: SemVer
    /// The installed version again: only when forced.
    | Reinstall
