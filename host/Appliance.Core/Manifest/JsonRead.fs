/// Reading untrusted JSON while collecting every error with its path (never only the first).
module internal Appliance.Core.Manifest.JsonRead

open System
open System.Text.Json

/// Errors of one validation run, in the order they were found. Created per call, never shared.
type Errors() =
    let items = ResizeArray<ManifestError>()

    member _.Add(path: string, message: string) =
        items.Add { Path = path; Message = message }

    member _.AddAll(errors: ManifestError seq) = items.AddRange errors
    member _.Count = items.Count
    member _.ToList() = List.ofSeq items

/// A value quoted for an error message, shortened so hostile input cannot flood the message.
let quote (s: string) =
    let shown = if s.Length > 40 then s.Substring(0, 40) + "..." else s

    let escaped =
        shown
        |> String.collect (fun c ->
            match c with
            | '\\' -> "\\\\"
            | '"' -> "\\\""
            | '\n' -> "\\n"
            | '\r' -> "\\r"
            | '\t' -> "\\t"
            | c when Char.IsControl c -> $"\\u{int c:x4}"
            | c -> string c)

    "\"" + escaped + "\""

/// A JSON property name as shown in a path: long or odd names are shortened and made printable.
let private pathName (name: string) =
    let shown =
        if name.Length > 40 then
            name.Substring(0, 40) + "..."
        else
            name

    shown |> String.map (fun c -> if Char.IsControl c then '?' else c)

let child (path: string) (name: string) =
    if path = "" then
        pathName name
    else
        path + "." + pathName name

let index (path: string) (i: int) = $"{path}[{i}]"

/// "a string", "an array"... for "expected X, got Y" sentences.
let kindName (kind: JsonValueKind) =
    match kind with
    | JsonValueKind.String -> "a string"
    | JsonValueKind.Number -> "a number"
    | JsonValueKind.Object -> "an object"
    | JsonValueKind.Array -> "an array"
    | JsonValueKind.True
    | JsonValueKind.False -> "a boolean"
    | JsonValueKind.Null -> "null"
    | _ -> "nothing"

/// A string's value, or None if it holds an escaped lone surrogate (not valid UTF-16).
let tryGetString (e: JsonElement) =
    try
        match e.GetString() with
        | null -> Some ""
        | s -> Some s
    with :? InvalidOperationException ->
        None

/// A value shown in an error message: strings quoted and shortened, other values as their short JSON text.
let shown (e: JsonElement) =
    match e.ValueKind with
    | JsonValueKind.String ->
        match tryGetString e with
        | Some s -> quote s
        | None -> "a string with invalid UTF-16"
    | JsonValueKind.Object -> "an object"
    | JsonValueKind.Array -> "an array"
    | _ ->
        let raw = e.GetRawText()

        if raw.Length > 40 then
            raw.Substring(0, 40) + "..."
        else
            raw

/// The properties of an object in document order; a name seen twice is an error and only its first value counts.
let properties (errors: Errors) (path: string) (obj: JsonElement) : (string * JsonElement) list =
    let seen = Collections.Generic.HashSet<string>(StringComparer.Ordinal)

    [
        for p in obj.EnumerateObject() do
            let name =
                try
                    Some p.Name
                with :? InvalidOperationException ->
                    errors.Add(path, "a property name is not valid UTF-16 (escaped lone surrogate)")
                    None

            match name with
            | Some n when seen.Add n -> yield n, p.Value
            | Some n -> errors.Add(child path n, "appears more than once; a key may appear only once")
            | None -> ()
    ]

/// The fields of an object whose allowed names are known; unknown names and duplicates are errors.
let fields (errors: Errors) (path: string) (known: string list) (e: JsonElement) : Map<string, JsonElement> option =
    if e.ValueKind <> JsonValueKind.Object then
        errors.Add(path, $"expected an object, got {kindName e.ValueKind}")
        None
    else
        let props = properties errors path e

        for name, _ in props do
            if not (List.contains name known) then
                let list = String.Join(", ", known)
                errors.Add(child path name, $"unknown field; the known fields are {list}")

        Some(props |> List.filter (fun (n, _) -> List.contains n known) |> Map.ofList)

let private describeMissing (errors: Errors) path name =
    errors.Add(child path name, "required field is missing")

/// A string field; control characters are refused unless multiline, and the length is capped.
let stringValue (errors: Errors) (path: string) (maxLength: int) (multiline: bool) (e: JsonElement) =
    if e.ValueKind <> JsonValueKind.String then
        errors.Add(path, $"expected a string, got {kindName e.ValueKind}")
        None
    else
        match tryGetString e with
        | None ->
            errors.Add(path, "is not valid UTF-16 (escaped lone surrogate)")
            None
        | Some s when s.Length > maxLength ->
            errors.Add(path, $"is {s.Length} characters long; the limit is {maxLength}")
            None
        | Some s when
            s
            |> Seq.exists (fun c -> Char.IsControl c && not (multiline && (c = '\n' || c = '\t')))
            ->
            errors.Add(path, $"{quote s} contains a control character")
            None
        | Some s -> Some s

let requiredString errors path maxLength multiline (map: Map<string, JsonElement>) name =
    match map.TryFind name with
    | None ->
        describeMissing errors path name
        None
    | Some e -> stringValue errors (child path name) maxLength multiline e

let optionalString errors path maxLength multiline (map: Map<string, JsonElement>) name =
    match map.TryFind name with
    | None -> Ok None
    | Some e ->
        match stringValue errors (child path name) maxLength multiline e with
        | Some s -> Ok(Some s)
        | None -> Error()

let boolValue (errors: Errors) (path: string) (e: JsonElement) =
    match e.ValueKind with
    | JsonValueKind.True -> Some true
    | JsonValueKind.False -> Some false
    | k ->
        errors.Add(path, $"expected true or false, got {kindName k}")
        None

let requiredBool errors path (map: Map<string, JsonElement>) name =
    match map.TryFind name with
    | None ->
        describeMissing errors path name
        None
    | Some e -> boolValue errors (child path name) e

/// An optional boolean: Ok default when absent, Error () when present but not a boolean.
let optionalBool errors path (map: Map<string, JsonElement>) name (defaultValue: bool) =
    match map.TryFind name with
    | None -> Ok defaultValue
    | Some e ->
        match boolValue errors (child path name) e with
        | Some b -> Ok b
        | None -> Error()

/// Required field present? Reports it when not.
let require errors path (map: Map<string, JsonElement>) name =
    match map.TryFind name with
    | Some e -> Some e
    | None ->
        describeMissing errors path name
        None

/// A string field that must be one of the names in table.
let choice (errors: Errors) path (map: Map<string, JsonElement>) name (what: string) (table: (string * 'a) list) =
    requiredString errors path 40 false map name
    |> Option.bind (fun s ->
        match table |> List.tryFind (fun (n, _) -> n = s) with
        | Some(_, v) -> Some v
        | None ->
            let allowed = String.Join(", ", table |> List.map fst)
            errors.Add(child path name, $"{quote s} is not {what} ({allowed})")
            None)

/// Refuses a string of only white space.
let nonEmpty (errors: Errors) path (value: string option) =
    match value with
    | Some s when String.IsNullOrWhiteSpace s ->
        errors.Add(path, "must not be empty")
        None
    | v -> v

/// An array of at most `limit` elements of `noun` (plural, for the errors), each read by `item` with its path;
/// None, with the error, when it is not an array or has too many.
let boundedArray
    (errors: Errors)
    (path: string)
    (noun: string)
    (limit: int)
    (item: string -> JsonElement -> 'a)
    (e: JsonElement)
    : 'a list option =
    if e.ValueKind <> JsonValueKind.Array then
        errors.Add(path, $"expected an array of {noun}, got {kindName e.ValueKind}")
        None
    elif e.GetArrayLength() > limit then
        errors.Add(path, $"has {e.GetArrayLength()} {noun}; the limit is {limit}")
        None
    else
        Some [ for i, x in Seq.indexed (e.EnumerateArray()) -> item (index path i) x ]
