/// Event types by name (HostApi 1.1): type names, the JSON Schema subset their payloads are checked against,
/// and the manifest's "events" section.
module Appliance.Core.Manifest.EventSchema

open System
open System.Text.Json
open System.Text.RegularExpressions
open Appliance.Core.Manifest.JsonRead

let private commas (items: string seq) = String.Join(", ", items)
let private orList (items: string seq) = String.Join(" or ", items)

/// PascalCase, 3 to 64 characters (e.g. RecordingFinished).
let private typePattern =
    Regex(@"^[A-Z][A-Za-z0-9]{2,63}$", RegexOptions.CultureInvariant)

let isTypeName (s: string) = typePattern.IsMatch s

let categoryNames = [ "camera"; "alarm"; "analytics"; "system" ]

let private keywords =
    [
        "type"
        "properties"
        "required"
        "additionalProperties"
        "items"
        "enum"
        "minimum"
        "maximum"
        "minLength"
        "maxLength"
        "maxItems"
        "description"
        "title"
    ]

let private typeNames =
    [ "object"; "array"; "string"; "integer"; "number"; "boolean"; "null" ]

/// Deepest schema nesting accepted.
[<Literal>]
let MaxDepth = 16

/// Every problem of a schema (subset of JSON Schema, see the Abstractions README), with paths under `path`.
let rec private check (errors: Errors) (path: string) (depth: int) (e: JsonElement) =
    if depth > MaxDepth then
        errors.Add(path, $"schemas nest at most {MaxDepth} levels")
    elif e.ValueKind <> JsonValueKind.Object then
        errors.Add(path, $"a schema is a JSON object, got {kindName e.ValueKind}")
    else
        for p in e.EnumerateObject() do
            let at = child path p.Name
            let v = p.Value

            match p.Name with
            | "type" ->
                let names =
                    match v.ValueKind with
                    | JsonValueKind.String -> [ v.GetString() |> string ]
                    | JsonValueKind.Array ->
                        [
                            for x in v.EnumerateArray() ->
                                if x.ValueKind = JsonValueKind.String then
                                    x.GetString() |> string
                                else
                                    ""
                        ]
                    | _ -> [ "" ]

                if names.IsEmpty || names |> List.exists (fun n -> not (List.contains n typeNames)) then
                    errors.Add(at, $"expected one of {(commas typeNames)} or a list of them")
            | "properties" ->
                if v.ValueKind <> JsonValueKind.Object then
                    errors.Add(at, "expected an object of schemas")
                else
                    for q in v.EnumerateObject() do
                        check errors (child at q.Name) (depth + 1) q.Value
            | "items" -> check errors at (depth + 1) v
            | "required" ->
                if
                    v.ValueKind <> JsonValueKind.Array
                    || v.EnumerateArray() |> Seq.exists (fun x -> x.ValueKind <> JsonValueKind.String)
                then
                    errors.Add(at, "expected an array of property names")
            | "additionalProperties" ->
                if v.ValueKind <> JsonValueKind.True && v.ValueKind <> JsonValueKind.False then
                    errors.Add(at, "expected true or false")
            | "enum" ->
                if v.ValueKind <> JsonValueKind.Array || v.GetArrayLength() = 0 then
                    errors.Add(at, "expected a non-empty array of values")
            | "minimum"
            | "maximum" ->
                if v.ValueKind <> JsonValueKind.Number then
                    errors.Add(at, "expected a number")
            | "minLength"
            | "maxLength"
            | "maxItems" ->
                let number =
                    if v.ValueKind = JsonValueKind.Number then
                        (match v.TryGetInt32() with
                         | true, n -> Some n
                         | _ -> None)
                    else
                        None

                match number with
                | Some n when n >= 0 -> ()
                | _ -> errors.Add(at, "expected a non-negative integer")
            | "description"
            | "title" ->
                if v.ValueKind <> JsonValueKind.String then
                    errors.Add(at, "expected a string")
            | other -> errors.Add(at, $"{quote other} is not a supported schema keyword ({(commas keywords)})")

/// Parses schema text; every problem with its path ("schema.properties.bytes.minimum: expected a number").
let parse (text: string) : Result<JsonElement, ManifestError list> =
    try
        use doc = JsonDocument.Parse(text, JsonDocumentOptions(MaxDepth = 64))
        let errors = Errors()
        check errors "schema" 0 doc.RootElement

        if errors.Count = 0 then
            Ok(doc.RootElement.Clone())
        else
            Error(errors.ToList())
    with :? JsonException as ex ->
        Error
            [
                {
                    Path = "schema"
                    Message = $"invalid JSON: {ex.Message}"
                }
            ]

let private kindMatches (name: string) (v: JsonElement) =
    match name, v.ValueKind with
    | "object", JsonValueKind.Object
    | "array", JsonValueKind.Array
    | "string", JsonValueKind.String
    | "number", JsonValueKind.Number
    | "null", JsonValueKind.Null -> true
    | "boolean", (JsonValueKind.True | JsonValueKind.False) -> true
    | "integer", JsonValueKind.Number -> v.GetDouble() = Math.Floor(v.GetDouble())
    | _ -> false

/// The first problems of a payload against a schema parsed by `parse`, with JSON paths ("data.cameraId").
let rec validate (schema: JsonElement) (path: string) (v: JsonElement) : ManifestError list =
    let err m = { Path = path; Message = m }

    let prop name =
        match schema.TryGetProperty(name: string) with
        | true, x -> Some x
        | _ -> None

    let typeErrors =
        match prop "type" with
        | None -> []
        | Some t ->
            let names =
                if t.ValueKind = JsonValueKind.String then
                    [ t.GetString() |> string ]
                else
                    [ for x in t.EnumerateArray() -> x.GetString() |> string ]

            if names |> List.exists (fun n -> kindMatches n v) then
                []
            else
                [ err $"expected {(orList names)}, got {kindName v.ValueKind}" ]

    if not typeErrors.IsEmpty then
        typeErrors
    else
        [
            match prop "enum" with
            | Some e when not (e.EnumerateArray() |> Seq.exists (fun x -> JsonElement.DeepEquals(x, v))) ->
                yield err $"{shown v} is not one of the allowed values"
            | _ -> ()
            if v.ValueKind = JsonValueKind.Number then
                match prop "minimum" with
                | Some m when v.GetDouble() < m.GetDouble() ->
                    yield err $"{v.GetRawText()} is below the minimum {m.GetRawText()}"
                | _ -> ()

                match prop "maximum" with
                | Some m when v.GetDouble() > m.GetDouble() ->
                    yield err $"{v.GetRawText()} is above the maximum {m.GetRawText()}"
                | _ -> ()
            if v.ValueKind = JsonValueKind.String then
                let length = (v.GetString() |> string).Length

                match prop "minLength" with
                | Some m when length < m.GetInt32() -> yield err $"shorter than {m.GetInt32()} characters"
                | _ -> ()

                match prop "maxLength" with
                | Some m when length > m.GetInt32() -> yield err $"longer than {m.GetInt32()} characters"
                | _ -> ()
            if v.ValueKind = JsonValueKind.Array then
                match prop "maxItems" with
                | Some m when v.GetArrayLength() > m.GetInt32() -> yield err $"more than {m.GetInt32()} items"
                | _ -> ()

                match prop "items" with
                | Some items ->
                    for i, x in Seq.indexed (v.EnumerateArray()) do
                        yield! validate items (index path i) x
                | None -> ()
            if v.ValueKind = JsonValueKind.Object then
                let properties = prop "properties"

                match prop "required" with
                | Some r ->
                    for name in r.EnumerateArray() do
                        let n = name.GetString() |> string

                        match v.TryGetProperty n with
                        | true, _ -> ()
                        | _ -> yield err $"{quote n} is required"
                | None -> ()

                for p in v.EnumerateObject() do
                    match
                        properties
                        |> Option.bind (fun ps ->
                            match ps.TryGetProperty p.Name with
                            | true, s -> Some s
                            | _ -> None)
                    with
                    | Some s -> yield! validate s (child path p.Name) p.Value
                    | None ->
                        match prop "additionalProperties" with
                        | Some a when a.ValueKind = JsonValueKind.False ->
                            yield err $"{quote p.Name} is not an allowed property"
                        | _ -> ()
        ]

/// Parses the manifest's "events" section.
let internal parseEvents (errors: Errors) (path: string) (e: JsonElement) : EventDeclaration list =
    if e.ValueKind <> JsonValueKind.Array then
        errors.Add(path, $"expected an array of event types, got {kindName e.ValueKind}")
        []
    else
        let parsed =
            [
                for i, item in Seq.indexed (e.EnumerateArray()) do
                    let at = index path i

                    match fields errors at [ "type"; "category"; "description"; "schema" ] item with
                    | None -> ()
                    | Some map ->
                        let before = errors.Count

                        let t =
                            requiredString errors at 64 false map "type"
                            |> Option.filter (fun s ->
                                isTypeName s
                                || (errors.Add(
                                        child at "type",
                                        $"{quote s} is not an event type name (PascalCase, 3 to 64 letters and digits)"
                                    )

                                    false))

                        let category =
                            choice
                                errors
                                at
                                map
                                "category"
                                "an event category"
                                (categoryNames |> List.map (fun c -> c, c))

                        let description = requiredString errors at 500 false map "description"

                        let schema =
                            require errors at map "schema"
                            |> Option.bind (fun s ->
                                match parse (s.GetRawText()) with
                                | Ok _ -> Some(s.GetRawText())
                                | Error es ->
                                    for x in es do
                                        errors.Add(child at x.Path, x.Message)

                                    None)

                        match t, category, description, schema with
                        | Some t, Some c, Some d, Some s when errors.Count = before ->
                            yield
                                {
                                    Type = t
                                    Category = c
                                    Description = d
                                    Schema = s
                                }
                        | _ -> ()
            ]

        let names = parsed |> List.map (fun d -> d.Type)

        if names.Length <> (List.distinct names).Length then
            errors.Add(path, "an event type is declared twice")

        parsed
