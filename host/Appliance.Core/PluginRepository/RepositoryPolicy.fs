/// What the appliance accepts from a verified index, pure: freshness (expiry, replay of an older serial), which
/// package of a channel fits this appliance (plugin, hardware model, host API, newest version), and what installing
/// it means for the installed version (install, update, downgrade or reinstall only when forced).
module Appliance.Core.PluginRepository.RepositoryPolicy

open System
open Appliance.Core.Manifest
open Appliance.Core.PluginRepository.RepositoryTypes

let private refuse code message =
    Error { Code = code; Message = message }

let private stamp (t: DateTimeOffset) =
    t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'")

/// An index is trusted only before it expires and only if its serial is not older than the last one accepted
/// (`lastSerial`; None before the first). The same serial again is the same index fetched twice.
let checkFreshness (now: DateTimeOffset) (lastSerial: int64 option) (index: RepoIndex) : Result<unit, RepoRefusal> =
    if now >= index.Expires then
        refuse
            "expired"
            $"the repository index expired at {stamp index.Expires} (serial {index.Serial}); it is now {stamp now}"
    else
        match lastSerial with
        | Some last when index.Serial < last ->
            refuse
                "replayed"
                $"the repository index has serial {index.Serial}, older than serial {last} already seen: an old index is being replayed"
        | _ -> Ok()

/// A package runs on `model` when it names it or "*".
let fitsHardware (model: string) (p: RepoPackage) =
    p.Hardware |> List.exists (fun h -> h = "*" || h = model)

/// A package runs on this host when its host API is one the host provides (same major, minor not newer).
let fitsHostApi (host: ApiVersion) (p: RepoPackage) =
    (Versions.checkHostApi host p.HostApi).IsOk

/// The packages of a channel (all of them, also those that do not fit; the catalog shows why).
let packages (index: RepoIndex) (channel: string) : RepoPackage list =
    index.Channels.TryFind channel |> Option.defaultValue []

/// The package to install for plugin `id` from `channel`: the given version, or else the newest that fits the
/// hardware model and host API. Each reason a listed package does not fit is named.
let choose
    (index: RepoIndex)
    (channel: string)
    (id: string)
    (version: SemVer option)
    (model: string)
    (host: ApiVersion)
    : Result<RepoPackage, RepoRefusal> =
    let listed =
        packages index channel
        |> List.filter (fun p -> p.Id = id && (version.IsNone || Some p.Version = version))

    let wanted =
        match version with
        | Some v -> $"{id} {Versions.formatSemVer v}"
        | None -> id

    if not (index.Channels.ContainsKey channel) then
        refuse "not-found" $"the repository has no channel '{channel}'"
    elif listed.IsEmpty then
        refuse "not-found" $"{wanted} is not in channel '{channel}'"
    else
        match listed |> List.filter (fitsHardware model) with
        | [] ->
            let models =
                listed |> List.collect _.Hardware |> List.distinct |> String.concat ", "

            refuse "hardware" $"{wanted} is built for hardware model(s) {models}, not for this appliance ({model})"
        | forModel ->
            match forModel |> List.filter (fitsHostApi host) with
            | [] ->
                let apis =
                    forModel
                    |> List.map (fun p -> Versions.formatApiVersion p.HostApi)
                    |> List.distinct
                    |> String.concat ", "

                refuse "host-api" $"{wanted} needs host API {apis}; this host provides {Versions.formatApiVersion host}"
            | fit ->
                Ok(
                    fit
                    |> List.reduce (fun a b ->
                        if Versions.compareSemVer b.Version a.Version > 0 then
                            b
                        else
                            a)
                )

/// What installing `candidate` means when `installed` is the installed version (None: not installed). A downgrade
/// or the same version again is refused unless `force`.
let decide (installed: SemVer option) (candidate: SemVer) (force: bool) : Result<RepoAction, RepoRefusal> =
    match installed with
    | None -> Ok Install
    | Some current ->
        let shownCurrent = Versions.formatSemVer current
        let shownCandidate = Versions.formatSemVer candidate

        match Versions.compareSemVer candidate current with
        | c when c > 0 -> Ok(Update current)
        | 0 when force -> Ok Reinstall
        | 0 -> refuse "up-to-date" $"{shownCandidate} is already installed"
        | _ when force -> Ok(Downgrade current)
        | _ ->
            refuse "downgrade" $"{shownCandidate} is older than the installed {shownCurrent}; a downgrade needs force"
