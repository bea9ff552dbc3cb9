module Appliance.Core.Updates.ImageUpdate

/// The manifest of a verified bundle, as `rauc info --output-format=shell` prints it.
type BundleManifest =
    {
        Compatible: string
        Version: string
        Build: string option
    }

/// What the running image is: RAUC's compatible string (its system.conf) and the image version.
type RunningImage =
    {
        Compatible: string
        Version: Appliance.Core.Manifest.SemVer
    }

type Refusal =

    /// A bundle made for another hardware model (or product).
    | OtherModel of bundle: string * running: string
    | UnreadableVersion of string
    | Downgrade of bundle: Appliance.Core.Manifest.SemVer * running: Appliance.Core.Manifest.SemVer
    | AlreadyRunning of Appliance.Core.Manifest.SemVer

val describe: _arg1: Refusal -> string

/// The longest `rauc info` output read; a bundle whose manifest is larger is refused rather than parsed.
val maxInfoLength: int

/// Parses the manifest lines of `rauc info --output-format=shell`; other lines (image details) are ignored.
val parseRaucInfo: text: string -> Result<BundleManifest, string>

/// Whether the running image may install the bundle: same model, a readable newer version (older only when forced).
val checkInstall:
    running: RunningImage -> bundle: BundleManifest -> force: bool -> Result<Appliance.Core.Manifest.SemVer, Refusal>

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
val decideBoot: deadline: System.TimeSpan -> sinceBoot: System.TimeSpan -> checks: BootCheck list -> BootVerdict
