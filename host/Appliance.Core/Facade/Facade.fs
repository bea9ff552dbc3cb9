namespace Appliance.Core

open System

/// Reading the façade's failures back in C#.
[<AbstractClass; Sealed>]
type Facade =
    /// The failure code of every façade result that carries validation errors ("invalid").
    static member InvalidCode = FacadeResult.InvalidCode

    /// The errors a façade failure carries, one per line of its message (none for a null failure).
    static member Errors(failure: Appliance.Abstractions.Failure | null) : string[] =
        match failure with
        | null -> [||]
        | f -> f.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries)
