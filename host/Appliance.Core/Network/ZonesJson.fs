/// Reads the "zones" section of the appliance configuration (JSON) into a ZoneConfig, then validates it.
/// Every problem is reported with its path; unknown settings are errors (a typo must not silently open a port).
///
/// {
///   "interfaces": [ { "name": "eth0", "zone": "uplink" }, { "name": "eth1", "zone": "cameras" } ],
///   "managementSources": [ "10.0.0.0/24", "fd00:1::/64" ],
///   "outboundAllowlist": false,
///   "sourceRestrictions": { "cameras": [ "10.1.0.0/24" ] },
///   "extraZones": [ "lab" ]
/// }
module Appliance.Core.Network.ZonesJson

open System.Text.Json
open Appliance.Core.Network.Zones

/// Larger input is refused before parsing.
let maxJsonLength = 256 * 1024

let private known =
    set
        [
            "interfaces"
            "managementSources"
            "outboundAllowlist"
            "sourceRestrictions"
            "extraZones"
        ]

let private kindName (e: JsonElement) =
    match e.ValueKind with
    | JsonValueKind.Object -> "an object"
    | JsonValueKind.Array -> "an array"
    | JsonValueKind.String -> "a string"
    | JsonValueKind.Number -> "a number"
    | JsonValueKind.True
    | JsonValueKind.False -> "a boolean"
    | JsonValueKind.Null -> "null"
    | _ -> "an unknown value"

let private err path message = { Path = path; Message = message }

let private strings path (e: JsonElement) : string list * PolicyError list =
    if e.ValueKind <> JsonValueKind.Array then
        [], [ err path $"must be an array of strings, not {kindName e}" ]
    else
        let items = e.EnumerateArray() |> Seq.toList

        let values =
            items
            |> List.mapi (fun i x ->
                if x.ValueKind = JsonValueKind.String then
                    Ok(string (x.GetString()))
                else
                    Error(err $"{path}[{i}]" $"must be a string, not {kindName x}"))

        (values
         |> List.choose (function
             | Ok s -> Some s
             | Error _ -> None)),
        (values
         |> List.choose (function
             | Error e -> Some e
             | Ok _ -> None))

let private interfaces (e: JsonElement) : InterfaceAssignment list * PolicyError list =
    let path = "zones.interfaces"

    if e.ValueKind <> JsonValueKind.Array then
        [],
        [
            err path $"must be an array of {{ \"name\", \"zone\" }} objects, not {kindName e}"
        ]
    else
        let results =
            e.EnumerateArray()
            |> Seq.mapi (fun i x ->
                let p = $"{path}[{i}]"

                if x.ValueKind <> JsonValueKind.Object then
                    None, [ err p $"must be an object with \"name\" and \"zone\", not {kindName x}" ]
                else
                    let field name =
                        match x.TryGetProperty(name: string) with
                        | true, v when v.ValueKind = JsonValueKind.String -> Ok(string (v.GetString()))
                        | true, v -> Error(err $"{p}.{name}" $"must be a string, not {kindName v}")
                        | false, _ -> Error(err $"{p}.{name}" "is missing")

                    let extra =
                        x.EnumerateObject()
                        |> Seq.filter (fun prop -> prop.Name <> "name" && prop.Name <> "zone")
                        |> Seq.map (fun prop ->
                            err $"{p}.{prop.Name}" "is not a known setting (expected \"name\" and \"zone\")")
                        |> Seq.toList

                    match field "name", field "zone" with
                    | Ok n, Ok z -> Some { Name = n; Zone = z }, extra
                    | n, z ->
                        None,
                        ([ n; z ]
                         |> List.choose (function
                             | Error e -> Some e
                             | Ok _ -> None))
                        @ extra)
            |> Seq.toList

        (results |> List.choose fst), (results |> List.collect snd)

let private restrictions (e: JsonElement) =
    let path = "zones.sourceRestrictions"

    if e.ValueKind <> JsonValueKind.Object then
        [],
        [
            err path $"must be an object mapping a zone to its source ranges, not {kindName e}"
        ]
    else
        let results =
            e.EnumerateObject()
            |> Seq.map (fun prop ->
                let values, errors = strings $"{path}.{prop.Name}" prop.Value
                (prop.Name, values), errors)
            |> Seq.toList

        (results |> List.map fst), (results |> List.collect snd)

/// Reads a parsed "zones" element into a configuration (not yet validated) and the reading errors;
/// a setting that cannot be read is left at its default.
let readElement (root: JsonElement) : ZoneConfig * PolicyError list =
    if root.ValueKind <> JsonValueKind.Object then
        emptyConfig, [ err "zones" $"must be an object, not {kindName root}" ]
    else
        let mutable config = emptyConfig
        let errors = ResizeArray<PolicyError>()
        let seen = System.Collections.Generic.HashSet<string>()

        for prop in root.EnumerateObject() do
            if not (seen.Add prop.Name) then
                errors.Add(err $"zones.{prop.Name}" "is given more than once")

            match prop.Name with
            | "interfaces" ->
                let v, e = interfaces prop.Value
                config <- { config with Interfaces = v }
                errors.AddRange e
            | "managementSources" ->
                let v, e = strings "zones.managementSources" prop.Value
                config <- { config with ManagementSources = v }
                errors.AddRange e
            | "extraZones" ->
                let v, e = strings "zones.extraZones" prop.Value
                config <- { config with ExtraZones = v }
                errors.AddRange e
            | "sourceRestrictions" ->
                let v, e = restrictions prop.Value
                config <- { config with SourceRestrictions = v }
                errors.AddRange e
            | "outboundAllowlist" ->
                match prop.Value.ValueKind with
                | JsonValueKind.True -> config <- { config with OutboundAllowlist = true }
                | JsonValueKind.False ->
                    config <-
                        { config with
                            OutboundAllowlist = false
                        }
                | _ -> errors.Add(err "zones.outboundAllowlist" $"must be true or false, not {kindName prop.Value}")
            | other ->
                let hint = String.concat ", " known
                errors.Add(err $"zones.{other}" $"is not a known setting (known: {hint})")

        config, List.ofSeq errors

/// Parses and validates a parsed "zones" element; returns reading and validation errors together.
let parseElement (root: JsonElement) : Result<ZonePolicy, PolicyError list> =
    let config, readErrors = readElement root

    match validate config, readErrors with
    | Ok policy, [] -> Ok policy
    | Ok _, errors -> Error errors
    | Error errors, more -> Error(more @ errors)

/// Parses and validates the "zones" section given as JSON text.
let parse (json: string) : Result<ZonePolicy, PolicyError list> =
    if json.Length = 0 then
        Error [ err "zones" "is empty; expected a JSON object" ]
    elif json.Length > maxJsonLength then
        Error
            [
                err "zones" $"is {json.Length} characters long, more than the {maxJsonLength} allowed"
            ]
    else
        let options =
            JsonDocumentOptions(MaxDepth = 16, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)

        try
            use doc = JsonDocument.Parse(json, options)
            parseElement doc.RootElement
        with :? JsonException as ex ->
            let where =
                match Option.ofNullable ex.LineNumber, Option.ofNullable ex.BytePositionInLine with
                | Some l, Some b -> $" at line {l + 1L}, byte {b + 1L}"
                | _ -> ""

            Error [ err "zones" $"is not valid JSON{where}" ]
