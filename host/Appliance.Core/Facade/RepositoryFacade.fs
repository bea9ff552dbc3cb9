namespace Appliance.Core.PluginRepository

open System
open Appliance.Core.Manifest
open Appliance.Core.PluginRepository.RepositoryTypes

/// A package for C# callers: strings and arrays.
[<CLIMutable>]
type CatalogPackage =
    {
        Id: string
        Version: string
        HostApi: string
        Hardware: string[]
        Url: string
        Size: int64
        Sha256: string
    }

/// An index read from bytes: the index, or every error with its path.
type IndexCheck =
    {
        Index: RepoIndex option
        Errors: string[]
    }

    member this.IsValid = this.Index.IsSome

    member this.Valid: RepoIndex =
        match this.Index with
        | Some i -> i
        | None -> invalidOp "the index is not valid; read Errors"

/// Why an index or a package is refused, for C# callers (null when it is not).
type Refusal(code: string, message: string) =
    /// expired, replayed, not-found, hardware, host-api, downgrade, up-to-date, malformed.
    member _.Code = code
    member _.Message = message
    override _.ToString() = $"{code}: {message}"
    static member internal Of(r: RepoRefusal) = Refusal(r.Code, r.Message)

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
    member this.Chosen: CatalogPackage =
        match this.Package with
        | Some p -> p
        | None -> invalidOp "the plan was refused; read Refusal"

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
[<AbstractClass; Sealed>]
type RepositoryFacade =
    static member private Shown(p: RepoPackage) : CatalogPackage =
        {
            Id = p.Id
            Version = Versions.formatSemVer p.Version
            HostApi = Versions.formatApiVersion p.HostApi
            Hardware = Array.ofList p.Hardware
            Url = p.Url
            Size = p.Size
            Sha256 = p.Sha256
        }

    static member Parse(bytes: byte[]) : IndexCheck =
        match RepositoryIndex.parse bytes with
        | Ok i -> { Index = Some i; Errors = [||] }
        | Error es ->
            {
                Index = None
                Errors = es |> List.map string |> Array.ofList
            }

    /// Null when the index may be used now, else why not (expired, replayed).
    static member CheckFreshness(index: RepoIndex, now: DateTimeOffset, lastSerial: Nullable<int64>) : Refusal | null =
        let last = if lastSerial.HasValue then Some lastSerial.Value else None

        match RepositoryPolicy.checkFreshness now last index with
        | Ok() -> null
        | Error r -> Refusal.Of r

    /// The index's serial (the host stores the highest accepted).
    static member Serial(index: RepoIndex) = index.Serial

    static member Published(index: RepoIndex) = index.Published

    static member Expires(index: RepoIndex) = index.Expires

    /// Every package of `channel`, marked with whether it fits this appliance.
    static member Lines
        (index: RepoIndex, channel: string, model: string, hostMajor: int, hostMinor: int)
        : CatalogLine[] =
        let host = { Major = hostMajor; Minor = hostMinor }

        RepositoryPolicy.packages index channel
        |> List.map (fun p ->
            let unfit: string | null =
                if not (RepositoryPolicy.fitsHardware model p) then
                    let models = String.Join(", ", p.Hardware)
                    $"built for {models}, not {model}"
                elif not (RepositoryPolicy.fitsHostApi host p) then
                    $"needs host API {Versions.formatApiVersion p.HostApi}"
                else
                    null

            {
                Package = RepositoryFacade.Shown p
                Fits = isNull unfit
                Unfit = unfit
            })
        |> Array.ofList

    /// Chooses the package for plugin `id` (a given `version`, or the newest that fits) and decides what installing
    /// it means against `installed` (null: not installed).
    static member Plan
        (
            index: RepoIndex,
            channel: string,
            id: string,
            version: string | null,
            model: string,
            hostMajor: int,
            hostMinor: int,
            installed: string | null,
            force: bool
        ) : InstallPlan =
        let fail r =
            {
                Package = None
                Action = ""
                Installed = installed
                Refusal = Refusal.Of r
            }

        let parseVersion (field: string) (text: string | null) =
            match text with
            | null -> Ok None
            | t ->
                match Versions.parseSemVer t with
                | Ok v -> Ok(Some v)
                | Error m ->
                    Error
                        {
                            Code = "malformed"
                            Message = $"{field}: {m}"
                        }

        match parseVersion "version" version, parseVersion "installed version" installed with
        | Error r, _
        | _, Error r -> fail r
        | Ok wanted, Ok current ->
            match RepositoryPolicy.choose index channel id wanted model { Major = hostMajor; Minor = hostMinor } with
            | Error r -> fail r
            | Ok p ->
                match RepositoryPolicy.decide current p.Version force with
                | Error r -> fail r
                | Ok action ->
                    {
                        Package = Some(RepositoryFacade.Shown p)
                        Action =
                            match action with
                            | Install -> "install"
                            | Update _ -> "update"
                            | Downgrade _ -> "downgrade"
                            | Reinstall -> "reinstall"
                        Installed = installed
                        Refusal = null
                    }

    /// Builds an index (the repository tool); packages are (channel, package) pairs. A failure is `invalid`, one
    /// error per line.
    static member Build
        (serial: int64, published: DateTimeOffset, expires: DateTimeOffset, packages: (string * CatalogPackage) seq)
        : Appliance.Abstractions.Result<byte[]> =
        let errors = ResizeArray<string>()

        let parsed =
            [
                for channel, p in packages do
                    match Versions.parseSemVer p.Version, Versions.parseApiVersion p.HostApi with
                    | Ok v, Ok api ->
                        let package: RepoPackage =
                            {
                                Id = p.Id
                                Version = v
                                HostApi = api
                                Hardware = List.ofArray p.Hardware
                                Url = p.Url
                                Size = p.Size
                                Sha256 = p.Sha256
                            }

                        yield channel, package
                    | Error m, _
                    | _, Error m -> errors.Add($"{p.Id}: {m}")
            ]

        if errors.Count > 0 then
            Appliance.Core.FacadeResult.invalid errors
        else
            let index =
                {
                    Serial = serial
                    Published = published
                    Expires = expires
                    Channels =
                        parsed
                        |> List.groupBy fst
                        |> List.map (fun (c, ps) -> c, List.map snd ps)
                        |> Map.ofList
                }

            let bytes = RepositoryIndex.serialize index
            // What is written must read back: the tool never signs an index the appliance would refuse.
            match RepositoryIndex.parse bytes with
            | Ok _ -> Appliance.Core.FacadeResult.ok bytes
            | Error es -> Appliance.Core.FacadeResult.invalid (List.map string es)
