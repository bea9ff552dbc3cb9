module Appliance.Core.Manifest.JsonRead

/// Errors of one validation run, in the order they were found. Created per call, never shared.
type internal Errors =

    new: unit -> Errors

    member Add: path: string * message: string -> unit

    member AddAll: errors: Appliance.Core.Manifest.ManifestError seq -> unit

    member ToList: unit -> Appliance.Core.Manifest.ManifestError list

    member Count: int

/// A value quoted for an error message, shortened so hostile input cannot flood the message.
val internal quote: s: string -> string

val internal child: path: string -> name: string -> string

val internal index: path: string -> i: int -> string

/// "a string", "an array"... for "expected X, got Y" sentences.
val internal kindName: kind: System.Text.Json.JsonValueKind -> string

/// A string's value, or None if it holds an escaped lone surrogate (not valid UTF-16).
val internal tryGetString: e: System.Text.Json.JsonElement -> string option

/// A value shown in an error message: strings quoted and shortened, other values as their short JSON text.
val internal shown: e: System.Text.Json.JsonElement -> string

/// The properties of an object in document order; a name seen twice is an error and only its first value counts.
val internal properties:
    errors: Errors -> path: string -> obj: System.Text.Json.JsonElement -> (string * System.Text.Json.JsonElement) list

/// The fields of an object whose allowed names are known; unknown names and duplicates are errors.
val internal fields:
    errors: Errors ->
    path: string ->
    known: string list ->
    e: System.Text.Json.JsonElement ->
        Map<string, System.Text.Json.JsonElement> option

/// A string field; control characters are refused unless multiline, and the length is capped.
val internal stringValue:
    errors: Errors ->
    path: string ->
    maxLength: int ->
    multiline: bool ->
    e: System.Text.Json.JsonElement ->
        string option

val internal requiredString:
    errors: Errors ->
    path: string ->
    maxLength: int ->
    multiline: bool ->
    map: Map<string, System.Text.Json.JsonElement> ->
    name: string ->
        string option

val internal optionalString:
    errors: Errors ->
    path: string ->
    maxLength: int ->
    multiline: bool ->
    map: Map<string, System.Text.Json.JsonElement> ->
    name: string ->
        Result<string option, unit>

val internal boolValue: errors: Errors -> path: string -> e: System.Text.Json.JsonElement -> bool option

val internal requiredBool:
    errors: Errors -> path: string -> map: Map<string, System.Text.Json.JsonElement> -> name: string -> bool option

/// An optional boolean: Ok default when absent, Error () when present but not a boolean.
val internal optionalBool:
    errors: Errors ->
    path: string ->
    map: Map<string, System.Text.Json.JsonElement> ->
    name: string ->
    defaultValue: bool ->
        Result<bool, unit>

/// Required field present? Reports it when not.
val internal require:
    errors: Errors ->
    path: string ->
    map: Map<string, System.Text.Json.JsonElement> ->
    name: string ->
        System.Text.Json.JsonElement option

/// A string field that must be one of the names in table.
val internal choice:
    errors: Errors ->
    path: string ->
    map: Map<string, System.Text.Json.JsonElement> ->
    name: string ->
    what: string ->
    table: (string * 'a) list ->
        'a option

/// Refuses a string of only white space.
val internal nonEmpty: errors: Errors -> path: string -> value: string option -> string option

/// An array of at most `limit` elements of `noun` (plural, for the errors), each read by `item` with its path;
/// None, with the error, when it is not an array or has too many.
val internal boundedArray:
    errors: Errors ->
    path: string ->
    noun: string ->
    limit: int ->
    item: (string -> System.Text.Json.JsonElement -> 'a) ->
    e: System.Text.Json.JsonElement ->
        'a list option
