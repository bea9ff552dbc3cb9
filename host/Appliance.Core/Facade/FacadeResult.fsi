module Appliance.Core.FacadeResult

val internal ok: value: 'T -> Appliance.Abstractions.Result<'T>

val internal invalid: errors: string seq -> Appliance.Abstractions.Result<'T>

/// An F# result with a list of errors, each made text by `text`.
val internal ofList: text: ('E -> string) -> result: Result<'T, 'E list> -> Appliance.Abstractions.Result<'T>

val internal ofOne: text: ('E -> string) -> result: Result<'T, 'E> -> Appliance.Abstractions.Result<'T>
