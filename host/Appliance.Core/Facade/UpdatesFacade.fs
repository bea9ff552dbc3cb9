namespace Appliance.Core.Updates

open System
open Appliance.Core
open Appliance.Core.Manifest
open Appliance.Core.Updates.ImageUpdate

/// Image updates for C# callers: sequences in, `Appliance.Abstractions.Result<T>` out, no F# lists or results.
[<AbstractClass; Sealed>]
type UpdatesFacade =
    /// After booting into a freshly installed slot: see `ImageUpdate.decideBoot`.
    static member DecideBoot(deadline: TimeSpan, sinceBoot: TimeSpan, checks: BootCheck seq) : BootVerdict =
        decideBoot deadline sinceBoot (List.ofSeq checks)

    /// The manifest `rauc info --output-format=shell` printed, or why it cannot be read (failure `invalid`).
    static member ParseRaucInfo(text: string) : Appliance.Abstractions.Result<BundleManifest> =
        parseRaucInfo text |> FacadeResult.ofOne id

    /// The version a bundle would install over the running image (`compatible`, version text `runningVersion`), or
    /// why not: `unavailable` (the running version does not read), `invalid` (another hardware model) or
    /// `conflict` (a downgrade or the same version without `force`, an unreadable bundle version).
    static member CheckInstall
        (compatible: string, runningVersion: string, bundle: BundleManifest, force: bool)
        : Appliance.Abstractions.Result<SemVer> =
        match Versions.parseSemVer runningVersion with
        | Error e -> Appliance.Abstractions.Result<SemVer>.Fail("unavailable", $"the running image's version: {e}")
        | Ok running ->
            match
                checkInstall
                    {
                        Compatible = compatible
                        Version = running
                    }
                    bundle
                    force
            with
            | Ok v -> FacadeResult.ok v
            | Error refusal ->
                let code =
                    match refusal with
                    | OtherModel _ -> "invalid"
                    | _ -> "conflict"

                Appliance.Abstractions.Result<SemVer>.Fail(code, describe refusal)
