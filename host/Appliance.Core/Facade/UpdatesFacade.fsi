namespace Appliance.Core.Updates

/// Image updates for C# callers: sequences in, `Appliance.Abstractions.Result<T>` out, no F# lists or results.
[<AbstractClass; Sealed; Class>]
type UpdatesFacade =

    /// After booting into a freshly installed slot: see `ImageUpdate.decideBoot`.
    static member DecideBoot:
        deadline: System.TimeSpan * sinceBoot: System.TimeSpan * checks: ImageUpdate.BootCheck seq ->
            ImageUpdate.BootVerdict

    /// The manifest `rauc info --output-format=shell` printed, or why it cannot be read (failure `invalid`).
    static member ParseRaucInfo: text: string -> Appliance.Abstractions.Result<ImageUpdate.BundleManifest>

    /// The version a bundle would install over the running image (`compatible`, version text `runningVersion`), or
    /// why not: `unavailable` (the running version does not read), `invalid` (another hardware model) or
    /// `conflict` (a downgrade or the same version without `force`, an unreadable bundle version).
    static member CheckInstall:
        compatible: string * runningVersion: string * bundle: ImageUpdate.BundleManifest * force: bool ->
            Appliance.Abstractions.Result<Appliance.Core.Manifest.SemVer>
