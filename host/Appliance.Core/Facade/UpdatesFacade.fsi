namespace Appliance.Core.Updates

    /// Image updates for C# callers: sequences in, no F# lists.
    [<AbstractClass; Sealed; Class>]
    type UpdatesFacade =

        /// After booting into a freshly installed slot: see `ImageUpdate.decideBoot`.
        static member
          DecideBoot: deadline: System.TimeSpan * sinceBoot: System.TimeSpan *
                      checks: ImageUpdate.BootCheck seq ->
                        ImageUpdate.BootVerdict
