namespace Appliance.Core.Plugins

/// Plugin lifecycle decisions for C# callers: nullables instead of F# options.
[<AbstractClass; Sealed; Class>]
type PluginsFacade =

    /// What the manager knows about a plugin's installed folder (see `HotSwap.FolderView`); null: none.
    static member FolderView:
        installed: string *
        runningFrom: string | null *
        rejected: string | null *
        failed: string | null *
        enabled: bool *
        force: bool ->
            HotSwap.FolderView
