namespace Appliance.Core

/// Reading the façade's failures back in C#.
[<AbstractClass; Sealed; Class>]
type Facade =

    /// The errors a façade failure carries, one per line of its message (none for a null failure).
    static member Errors: failure: Appliance.Abstractions.Failure | null -> string array

    /// The failure code of every façade result that carries validation errors ("invalid").
    static member InvalidCode: string
