/// Image updates (RAUC bundles written into the inactive slot): what a bundle says about itself, whether this
/// appliance may install it, and whether a slot booted after an update is kept or left to the bootloader's fallback.
module Appliance.Core.Updates.ImageUpdate

open System
open Appliance.Core.Manifest

/// The manifest of a verified bundle, as `rauc info --output-format=shell` prints it.
type BundleManifest =
    {
        Compatible: string
        Version: string
        Build: string option
    }

/// What the running image is: RAUC's compatible string (its system.conf) and the image version.
type RunningImage = { Compatible: string; Version: SemVer }

type Refusal =
    /// A bundle made for another hardware model (or product).
    | OtherModel of bundle: string * running: string
    | UnreadableVersion of string
    | Downgrade of bundle: SemVer * running: SemVer
    | AlreadyRunning of SemVer

let describe =
    function
    | OtherModel(bundle, running) -> $"the bundle is for '{bundle}', this appliance is '{running}'"
    | UnreadableVersion why -> $"the bundle's version: {why}"
    | Downgrade(bundle, running) ->
        $"{Versions.formatSemVer bundle} is older than the running {Versions.formatSemVer running}; a downgrade must be forced"
    | AlreadyRunning v -> $"{Versions.formatSemVer v} is already running"

/// The longest `rauc info` output read; a bundle whose manifest is larger is refused rather than parsed.
let maxInfoLength = 64 * 1024

/// One value of a line KEY='value' as GLib's g_shell_quote writes it (a ' inside is written '\'').
let private unquote (key: string) (raw: string) : Result<string, string> =
    let b = Text.StringBuilder()

    let rec go (i: int) (inside: bool) =
        if i = raw.Length then
            if inside then
                Error $"{key}: the quoted value does not end"
            else
                Ok(b.ToString())
        else
            match raw[i], inside with
            | '\'', true -> go (i + 1) false
            | '\'', false -> go (i + 1) true
            | '\\', false when i + 1 < raw.Length ->
                b.Append(raw[i + 1]) |> ignore
                go (i + 2) false
            | c, true ->
                b.Append c |> ignore
                go (i + 1) true
            | c, false when Char.IsWhiteSpace c -> Error $"{key}: unquoted white space in the value"
            | c, false ->
                b.Append c |> ignore
                go (i + 1) false

    go 0 false

/// Parses the manifest lines of `rauc info --output-format=shell`; other lines (image details) are ignored.
let parseRaucInfo (text: string) : Result<BundleManifest, string> =
    if text.Length > maxInfoLength then
        Error $"the bundle information is {text.Length} characters, over {maxInfoLength}"
    else
        let pairs =
            text.Split('\n')
            |> Array.map (fun l -> l.TrimEnd('\r'))
            |> Array.filter (fun l -> l.StartsWith("RAUC_MF_", StringComparison.Ordinal))
            |> Array.map (fun l ->
                match l.IndexOf '=' with
                | -1 -> Error $"'{l}' is not KEY=value"
                | i ->
                    unquote (l.Substring(0, i)) (l.Substring(i + 1))
                    |> Result.map (fun v -> l.Substring(0, i), v))

        match
            pairs
            |> Array.tryPick (function
                | Error e -> Some e
                | Ok _ -> None)
        with
        | Some e -> Error e
        | None ->
            let values =
                pairs
                |> Array.choose (function
                    | Ok kv -> Some kv
                    | Error _ -> None)
                |> Map.ofArray

            let get k =
                values |> Map.tryFind k |> Option.filter (fun v -> v <> "")

            match get "RAUC_MF_COMPATIBLE", get "RAUC_MF_VERSION" with
            | None, _ -> Error "the bundle's manifest names no compatible (RAUC_MF_COMPATIBLE)"
            | _, None -> Error "the bundle's manifest names no version (RAUC_MF_VERSION)"
            | Some c, Some v ->
                Ok
                    {
                        Compatible = c
                        Version = v
                        Build = get "RAUC_MF_BUILD"
                    }

/// Whether the running image may install the bundle: same model, a readable newer version (older only when forced).
let checkInstall (running: RunningImage) (bundle: BundleManifest) (force: bool) : Result<SemVer, Refusal> =
    if not (String.Equals(bundle.Compatible, running.Compatible, StringComparison.Ordinal)) then
        Error(OtherModel(bundle.Compatible, running.Compatible))
    else
        match Versions.parseSemVer bundle.Version with
        | Error why -> Error(UnreadableVersion why)
        | Ok v ->
            match Versions.compareSemVer v running.Version with
            | 0 when not force -> Error(AlreadyRunning v)
            | c when c < 0 && not force -> Error(Downgrade(v, running.Version))
            | _ -> Ok v

/// One of the host's health checks after a boot.
type BootCheck = { Name: string; Healthy: bool }

type BootVerdict =
    /// Every check passed: the booted slot is marked good and the boot-attempt counter stops.
    | MarkGood
    /// The deadline passed with failing checks: the slot is marked bad, so the next boot falls back.
    | MarkBad of reason: string
    | Wait

/// After booting into a freshly installed slot: good as soon as every check passes (there must be at least one),
/// bad once `deadline` has passed since boot with any check failing (named in the reason), else wait.
let decideBoot (deadline: TimeSpan) (sinceBoot: TimeSpan) (checks: BootCheck list) : BootVerdict =
    let failing =
        checks |> List.filter (fun c -> not c.Healthy) |> List.map (fun c -> c.Name)

    if not checks.IsEmpty && failing.IsEmpty then
        MarkGood
    elif sinceBoot >= deadline then
        let names =
            if failing.IsEmpty then
                "no health check reported"
            else
                String.Join(", ", failing)

        MarkBad $"not healthy {int deadline.TotalSeconds} s after boot: {names}"
    else
        Wait
