/// A plugin's configuration schema (the manifest's "config" object) and the validation of its configuration
/// section against it: defaults filled, unknown keys, wrong types, bounds and enums refused with their paths.
module Appliance.Core.Manifest.ConfigSchema

open System
open System.IO
open System.Text.Json
open System.Text.RegularExpressions
open Appliance.Core.Manifest.JsonRead

let private keyPattern =
    Regex(@"^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z][A-Za-z0-9_-]*)*$", RegexOptions.CultureInvariant)

let private typeNames =
    [
        "string", SString
        "integer", SInteger
        "number", SNumber
        "boolean", SBoolean
        "array", SArray
        "object", SObject
    ]

let internal typeName (t: SchemaType) =
    typeNames |> List.find (fun (_, v) -> v = t) |> fst

let private settingFields =
    [ "type"; "default"; "minimum"; "maximum"; "enum"; "description"; "secret" ]

let private formatDecimal (d: decimal) =
    d.ToString(Globalization.CultureInfo.InvariantCulture)

/// Why a value does not fit a setting, or None if it does. Secret values are never echoed.
let internal valueError (setting: ConfigSetting) (value: JsonElement) : string option =
    let what =
        if setting.Secret then
            "the value (secret, not shown)"
        else
            shown value

    let bounds (n: decimal) =
        match setting.Minimum, setting.Maximum with
        | Some lo, _ when n < lo -> Some $"{what} is below the minimum {formatDecimal lo}"
        | _, Some hi when n > hi -> Some $"{what} is above the maximum {formatDecimal hi}"
        | _ -> None

    match setting.Type, value.ValueKind with
    | SString, JsonValueKind.String ->
        match tryGetString value with
        | None -> Some "is not valid UTF-16 (escaped lone surrogate)"
        | Some s when not setting.Enum.IsEmpty && not (List.contains s setting.Enum) ->
            let allowed = String.Join(", ", setting.Enum)
            Some $"{what} is not one of {allowed}"
        | Some _ -> None
    | SString, _ -> Some $"{what} is not a string"
    | SInteger, JsonValueKind.Number ->
        match value.TryGetInt64() with
        | true, n -> bounds (decimal n)
        | _ when value.GetRawText() |> Seq.forall (fun c -> Char.IsAsciiDigit c || c = '-') ->
            Some $"{what} is out of the range of integers this host handles"
        | _ -> Some $"{what} is not an integer"
    | SInteger, _ -> Some $"{what} is not an integer"
    | SNumber, JsonValueKind.Number ->
        match value.TryGetDecimal() with
        | true, n -> bounds n
        | _ -> Some $"{what} is out of the range of numbers this host handles"
    | SNumber, _ -> Some $"{what} is not a number"
    | SBoolean, (JsonValueKind.True | JsonValueKind.False) -> None
    | SBoolean, _ -> Some $"{what} is not a boolean"
    | SArray, JsonValueKind.Array -> None
    | SArray, _ -> Some $"{what} is not an array"
    | SObject, JsonValueKind.Object -> None
    | SObject, _ -> Some $"{what} is not an object"

/// Keys that are malformed, repeated, or both a setting and a group of settings ("rtsp" and "rtsp.port").
let internal keyErrors (path: string) (keys: string list) : ManifestError list =
    let keySet = Set.ofList keys

    let syntax =
        keys
        |> List.filter (fun k -> k.Length > 100 || not (keyPattern.IsMatch k))
        |> List.map (fun k ->
            {
                Path = child path k
                Message =
                    $"{quote k} is not a setting key (at most 100 characters: names of letters, digits, '_' and '-', each starting with a letter, joined by dots)"
            })

    let repeated =
        keys
        |> List.countBy id
        |> List.filter (fun (_, n) -> n > 1)
        |> List.map (fun (k, _) ->
            {
                Path = child path k
                Message = "is declared more than once"
            })

    let nested =
        keys
        |> List.collect (fun k ->
            let segments = k.Split '.'

            [
                for i in 1 .. segments.Length - 1 do
                    let prefix = String.Join(".", segments[0 .. i - 1])

                    if keySet.Contains prefix then
                        yield
                            {
                                Path = child path k
                                Message = $"{quote prefix} is also a setting, so {quote k} cannot be nested under it"
                            }
            ])
        |> List.distinct

    syntax @ repeated @ nested

let private numberField (errors: Errors) path (map: Map<string, JsonElement>) name =
    match map.TryFind name with
    | None -> Ok None
    | Some e when e.ValueKind = JsonValueKind.Number ->
        match e.TryGetDecimal() with
        | true, d -> Ok(Some d)
        | _ ->
            errors.Add(child path name, $"{shown e} is out of the range of numbers this host handles")
            Error()
    | Some e ->
        errors.Add(child path name, $"expected a number, got {kindName e.ValueKind}")
        Error()

let private enumField (errors: Errors) path (map: Map<string, JsonElement>) =
    match map.TryFind "enum" with
    | None -> Ok []
    | Some e when e.ValueKind <> JsonValueKind.Array ->
        errors.Add(child path "enum", $"expected an array of strings, got {kindName e.ValueKind}")
        Error()
    | Some e when e.GetArrayLength() = 0 ->
        errors.Add(child path "enum", "must list at least one value")
        Error()
    | Some e ->
        let before = errors.Count
        let enumPath = child path "enum"

        let seen = Collections.Generic.HashSet<string>(StringComparer.Ordinal)

        let values =
            [
                for i, item in Seq.indexed (e.EnumerateArray()) do
                    match stringValue errors (index enumPath i) 200 false item with
                    | Some s when seen.Add s -> yield s
                    | Some s -> errors.Add(index enumPath i, $"{quote s} is listed twice")
                    | None -> ()
            ]

        if errors.Count = before then Ok values else Error()

/// One setting object of the manifest's "config" object.
let private parseSetting (errors: Errors) (path: string) (key: string) (e: JsonElement) : ConfigSetting option =
    match fields errors path settingFields e with
    | None -> None
    | Some map ->
        let before = errors.Count

        let settingType =
            match requiredString errors path 20 false map "type" with
            | Some name ->
                match typeNames |> List.tryFind (fun (n, _) -> n = name) with
                | Some(_, t) -> Some t
                | None ->
                    let known = String.Join(", ", typeNames |> List.map fst)
                    errors.Add(child path "type", $"{quote name} is not a setting type ({known})")
                    None
            | None -> None

        let description = optionalString errors path 500 false map "description"
        let secret = optionalBool errors path map "secret" false
        let minimum = numberField errors path map "minimum"
        let maximum = numberField errors path map "maximum"
        let enumValues = enumField errors path map

        // Checks between fields, each made as soon as the fields it needs are valid.
        let isNumeric = settingType |> Option.map (fun t -> t = SInteger || t = SNumber)

        match isNumeric, minimum with
        | Some false, Ok(Some _) -> errors.Add(child path "minimum", "only integer and number settings have bounds")
        | _ -> ()

        match isNumeric, maximum with
        | Some false, Ok(Some _) -> errors.Add(child path "maximum", "only integer and number settings have bounds")
        | _ -> ()

        match minimum, maximum with
        | Ok(Some l), Ok(Some h) when l > h ->
            errors.Add(path, $"minimum {formatDecimal l} is above maximum {formatDecimal h}")
        | _ -> ()

        match settingType, enumValues with
        | Some t, Ok(_ :: _) when t <> SString -> errors.Add(child path "enum", "only string settings can have an enum")
        | _ -> ()

        match secret, map.TryFind "default" with
        | Ok true, Some _ ->
            errors.Add(child path "default", "a secret setting must not have a default (it would ship in the manifest)")
        | _ -> ()

        match settingType, description, secret, minimum, maximum, enumValues with
        | Some t, Ok d, Ok s, Ok lo, Ok hi, Ok values when errors.Count = before ->
            let setting =
                {
                    Key = key
                    Type = t
                    Default = map.TryFind "default" |> Option.map (fun d -> d.Clone())
                    Description = defaultArg d ""
                    Minimum = lo
                    Maximum = hi
                    Enum = values
                    Secret = s
                }

            match setting.Default with
            | Some d ->
                valueError setting d
                |> Option.iter (fun m -> errors.Add(child path "default", m))
            | None -> ()

            if errors.Count = before then Some setting else None
        | _ -> None

/// The manifest's "config" object: dotted keys to setting objects, in document order.
let internal parseSchema (errors: Errors) (path: string) (e: JsonElement) : ConfigSetting list =
    if e.ValueKind <> JsonValueKind.Object then
        errors.Add(path, $"expected an object, got {kindName e.ValueKind}")
        []
    else
        let props = properties errors path e
        let keyProblems = keyErrors path (props |> List.map fst)
        errors.AddAll keyProblems

        props
        |> List.filter (fun (k, _) -> keyProblems |> List.forall (fun p -> p.Path <> child path k))
        |> List.choose (fun (k, v) -> parseSetting errors (child path k) k v)

/// Writes the schema back as the manifest's "config" object (the inverse of parseSchema).
let internal writeSchema (w: Utf8JsonWriter) (settings: ConfigSetting list) =
    w.WriteStartObject()

    for s in settings do
        w.WriteStartObject s.Key
        w.WriteString("type", typeName s.Type)

        s.Default
        |> Option.iter (fun d ->
            w.WritePropertyName "default"
            d.WriteTo w)

        s.Minimum |> Option.iter (fun m -> w.WriteNumber("minimum", m))
        s.Maximum |> Option.iter (fun m -> w.WriteNumber("maximum", m))

        if not s.Enum.IsEmpty then
            w.WriteStartArray "enum"
            s.Enum |> List.iter w.WriteStringValue
            w.WriteEndArray()

        if s.Description <> "" then
            w.WriteString("description", s.Description)

        if s.Secret then
            w.WriteBoolean("secret", true)

        w.WriteEndObject()

    w.WriteEndObject()

/// Writes (key segments, value) pairs as nested objects, in first-seen order.
let rec private writeNested (w: Utf8JsonWriter) (items: (string list * JsonElement) list) =
    for name, members in items |> List.groupBy (fun (segments, _) -> List.head segments) do
        w.WritePropertyName name

        match members with
        | [ ([ _ ], value) ] -> value.WriteTo w
        | _ ->
            w.WriteStartObject()
            writeNested w (members |> List.map (fun (segments, v) -> List.tail segments, v))
            w.WriteEndObject()

/// Validates a plugin's configuration section (nested objects for dotted keys) against its schema and returns
/// the complete section with defaults filled in, or every problem found, with paths under "config".
let resolve (schema: ConfigSetting list) (section: JsonElement option) : Result<JsonElement, ManifestError list> =
    let errors = Errors()
    errors.AddAll(keyErrors "config" (schema |> List.map (fun s -> s.Key)))

    let byKey = schema |> List.map (fun s -> s.Key, s) |> Map.ofList

    let groups =
        schema
        |> List.collect (fun s ->
            let segments = s.Key.Split '.'
            [ for i in 1 .. segments.Length - 1 -> String.Join(".", segments[0 .. i - 1]) ])
        |> Set.ofList

    let given = Collections.Generic.Dictionary<string, JsonElement>()

    let rec walk (prefix: string) (path: string) (obj: JsonElement) =
        for name, value in properties errors path obj do
            let key = if prefix = "" then name else prefix + "." + name
            let p = child path name

            match byKey.TryFind key with
            | _ when name.Contains '.' ->
                errors.Add(p, $"{quote key} is not a setting of this plugin; write dotted keys as nested objects")
            | Some setting ->
                match valueError setting value with
                | Some m -> errors.Add(p, m)
                | None -> given[key] <- value
            | None when groups.Contains key ->
                if value.ValueKind = JsonValueKind.Object then
                    walk key p value
                else
                    errors.Add(p, $"expected an object holding the settings {key}.*, got {kindName value.ValueKind}")
            | None -> errors.Add(p, $"{quote key} is not a setting of this plugin")

    match section with
    | None -> ()
    | Some s when s.ValueKind = JsonValueKind.Object -> walk "" "config" s
    | Some s -> errors.Add("config", $"expected an object, got {kindName s.ValueKind}")

    if errors.Count > 0 then
        Error(errors.ToList())
    else
        let items =
            schema
            |> List.choose (fun s ->
                match given.TryGetValue s.Key with
                | true, v -> Some(List.ofArray (s.Key.Split '.'), v)
                | _ -> s.Default |> Option.map (fun d -> List.ofArray (s.Key.Split '.'), d))

        use stream = new MemoryStream()

        do
            use w = new Utf8JsonWriter(stream)
            w.WriteStartObject()
            writeNested w items
            w.WriteEndObject()

        use doc = JsonDocument.Parse(stream.ToArray())
        Ok(doc.RootElement.Clone())

/// The value at a dotted key ("rtsp.port") of a resolved configuration section.
let tryGet (config: JsonElement) (key: string) : JsonElement option =
    let rec go (e: JsonElement) (segments: string list) =
        match segments with
        | [] -> Some e
        | s :: rest when e.ValueKind = JsonValueKind.Object ->
            match e.TryGetProperty s with
            | true, v -> go v rest
            | _ -> None
        | _ -> None

    if String.IsNullOrEmpty key then
        None
    else
        go config (List.ofArray (key.Split '.'))

/// The integer at a dotted key, if there is one that fits an int.
let tryGetInt (config: JsonElement) (key: string) : int option =
    match tryGet config key with
    | Some v when v.ValueKind = JsonValueKind.Number ->
        match v.TryGetInt32() with
        | true, n -> Some n
        | _ -> None
    | _ -> None
