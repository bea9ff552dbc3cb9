namespace Appliance.Core.Plugins

open Appliance.Core.Plugins.HotSwap

/// Plugin lifecycle decisions for C# callers: nullables instead of F# options.
[<AbstractClass; Sealed>]
type PluginsFacade =
    /// What the manager knows about a plugin's installed folder (see `HotSwap.FolderView`); null: none.
    static member FolderView
        (
            installed: string,
            runningFrom: string | null,
            rejected: string | null,
            failed: string | null,
            enabled: bool,
            force: bool
        ) : FolderView =
        {
            Installed = installed
            Running =
                match runningFrom with
                | null -> NothingRunning
                | fingerprint -> RunningFrom fingerprint
            Rejected = Option.ofObj rejected
            Failed = Option.ofObj failed
            Enabled = enabled
            Force = force
        }
