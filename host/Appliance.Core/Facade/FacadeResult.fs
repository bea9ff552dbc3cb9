/// How the façade turns F# results into the C# `Appliance.Abstractions.Result<T>`: a value, or the failure
/// `invalid` whose message holds every error, one per line (`Failure.Invalid`; `Failure.Errors` splits them again).
module internal Appliance.Core.FacadeResult


let ok (value: 'T) : Appliance.Abstractions.Result<'T> =
    Appliance.Abstractions.Result<'T>.Ok value

let invalid (errors: string seq) : Appliance.Abstractions.Result<'T> =
    Appliance.Abstractions.Result<'T>.Fail(Appliance.Abstractions.Failure.Invalid errors)

/// An F# result with a list of errors, each made text by `text`.
let ofList (text: 'E -> string) (result: Result<'T, 'E list>) : Appliance.Abstractions.Result<'T> =
    match result with
    | Ok value -> ok value
    | Error errors -> invalid (List.map text errors)

let ofOne (text: 'E -> string) (result: Result<'T, 'E>) : Appliance.Abstractions.Result<'T> =
    match result with
    | Ok value -> ok value
    | Error e -> invalid [ text e ]
