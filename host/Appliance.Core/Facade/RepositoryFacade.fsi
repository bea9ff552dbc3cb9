namespace Appliance.Core.PluginRepository

/// A package for C# callers: strings and arrays.
[<CLIMutable>]
type CatalogPackage =
    {
        Id: string
        Version: string
        HostApi: string
        Hardware: string array
        Url: string
        Size: int64
        Sha256: string
    }

/// An index read from bytes: the index, or every error with its path.
type IndexCheck =
    {
        Index: RepositoryTypes.RepoIndex option
        Errors: string array
    }

    member IsValid: bool

    member Valid: RepositoryTypes.RepoIndex

/// Why an index or a package is refused, for C# callers (null when it is not).
type Refusal =

    new: code: string * message: string -> Refusal

    static member internal Of: r: RepositoryTypes.RepoRefusal -> Refusal

    override ToString: unit -> string

    /// expired, replayed, not-found, hardware, host-api, downgrade, up-to-date, malformed.
    member Code: string

    member Message: string

/// A package chosen for installation and what it means for the installed version, or why not.
type InstallPlan =
    {
        Package: CatalogPackage option

        /// "install", "update", "downgrade" or "reinstall" when a package was chosen.
        Action: string

        /// The installed version, or null when not installed.
        Installed: string | null

        /// Why not, or null when a package was chosen.
        Refusal: Refusal | null
    }

    /// The chosen package; reading it from a refused plan is a bug and throws.
    member Chosen: CatalogPackage

/// One line of the catalog as the portal and API show it.
type CatalogLine =
    {
        Package: CatalogPackage

        /// Runs on this hardware model and host API.
        Fits: bool

        /// Why it does not fit, or null.
        Unfit: string | null
    }

/// The plugin repository's pure rules for C# callers (the host, the repository tool).
[<AbstractClass; Sealed; Class>]
type RepositoryFacade =

    /// Builds an index (the repository tool); packages are (channel, package) pairs. A failure is `invalid`, one
    /// error per line.
    static member Build:
        serial: int64 *
        published: System.DateTimeOffset *
        expires: System.DateTimeOffset *
        packages: (string * CatalogPackage) seq ->
            Appliance.Abstractions.Result<byte array>

    /// Null when the index may be used now, else why not (expired, replayed).
    static member CheckFreshness:
        index: RepositoryTypes.RepoIndex * now: System.DateTimeOffset * lastSerial: System.Nullable<int64> ->
            Refusal | null

    static member Expires: index: RepositoryTypes.RepoIndex -> System.DateTimeOffset

    /// Every package of `channel`, marked with whether it fits this appliance.
    static member Lines:
        index: RepositoryTypes.RepoIndex * channel: string * model: string * hostMajor: int * hostMinor: int ->
            CatalogLine array

    static member Parse: bytes: byte array -> IndexCheck

    /// Chooses the package for plugin `id` (a given `version`, or the newest that fits) and decides what installing
    /// it means against `installed` (null: not installed).
    static member Plan:
        index: RepositoryTypes.RepoIndex *
        channel: string *
        id: string *
        version: string | null *
        model: string *
        hostMajor: int *
        hostMinor: int *
        installed: string | null *
        force: bool ->
            InstallPlan

    static member Published: index: RepositoryTypes.RepoIndex -> System.DateTimeOffset

    /// The index's serial (the host stores the highest accepted).
    static member Serial: index: RepositoryTypes.RepoIndex -> int64
