module Appliance.Core.Plugins.HotSwap

/// What runs for a plugin id now.
type Running =

    /// No instance (never started, disabled, invalid or quarantined).
    | NothingRunning

    /// An instance started from the installed folder with this fingerprint.
    | RunningFrom of fingerprint: string

/// What the manager knows when it looks at a plugin's installed folder.
type FolderView =
    {

        /// Fingerprint of the installed folder now.
        Installed: string
        Running: Running

        /// Fingerprint of a version that was tried and rolled back (or refused while another version ran): not retried
        /// until the folder changes again or the user forces it.
        Rejected: string option

        /// The version that failed last time without a running predecessor (invalid or quarantined): not retried on its own.
        Failed: string option
        Enabled: bool

        /// A user asked for it (restart, new configuration, enable): always act.
        Force: bool
    }

/// What to do with the installed folder.
type FolderDecision =

    /// What runs matches the folder (or nothing should run and nothing does): leave it.
    | Keep

    /// Load the folder's version and start it (swapping out what runs, if anything).
    | Reload

    /// Stop what runs: the plugin is disabled.
    | StopIt

    /// The folder holds a version already rejected or failed: leave what runs, report why.
    | Skip of reason: string

val decide: v: FolderView -> FolderDecision

/// How a new version fared: refused before anything was touched, failed to load or start, or quarantined
/// within the grace period after start, or ran through the grace period.
type Attempt =
    | Refused of error: string
    | FailedToStart of error: string
    | QuarantinedWithinGrace of error: string
    | Started

/// What to do after an attempt.
type AttemptDecision =

    /// Keep the new version; the previous installed folder may be dropped.
    | Commit

    /// The previous version still runs (the new one was refused before it was touched): report the refusal.
    | KeepPrevious of error: string

    /// Start the previous version again and report "rolled back" with the new version's error.
    | RollBack of error: string

    /// Nothing to go back to: the plugin stays down with the error (invalid or quarantined).
    | StayDown of error: string

/// `previousRan` is true when a previous version was running when the attempt began (so it can be restored).
val afterAttempt: previousRan: bool -> attempt: Attempt -> AttemptDecision

/// The status line of a rollback: "rolled back to 1.0.0: 2.0.0 threw at start: ...".
val rolledBackMessage: previousVersion: string -> newVersion: string -> error: string -> string
