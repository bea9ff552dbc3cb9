namespace Appliance.Core.Updates

open System
open Appliance.Core.Updates.ImageUpdate

/// Image updates for C# callers: sequences in, no F# lists.
[<AbstractClass; Sealed>]
type UpdatesFacade =
    /// After booting into a freshly installed slot: see `ImageUpdate.decideBoot`.
    static member DecideBoot(deadline: TimeSpan, sinceBoot: TimeSpan, checks: BootCheck seq) : BootVerdict =
        decideBoot deadline sinceBoot (List.ofSeq checks)
