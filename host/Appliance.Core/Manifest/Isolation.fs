/// The "isolation" and "limits" fields of plugin.json (HostApi 1.1): where a plugin runs and what its
/// process may use. Pure: reads a parsed manifest object, reports every problem with its path.
module Appliance.Core.Manifest.IsolationFields


open System.Text.Json
open Appliance.Core.Manifest.JsonRead

let isolationNames = [ "in-process", InProcess; "process", Process ]

/// The isolation a manifest gets when it does not say: media plugins run in their own process.
let defaultIsolation (kind: PluginKind) =
    match kind with
    | Media -> Process
    | Protocol
    | Integration -> InProcess

let isolationName (isolation: Isolation) =
    isolationNames |> List.find (fun (_, v) -> v = isolation) |> fst

/// (JSON name, lowest, highest, description) of each limit.
let limitBounds =
    [
        "memoryMiB", 16, 65536, "MiB of memory"
        "cpuPercent", 1, 400, "percent of one core"
        "openFiles", 16, 1048576, "open files"
    ]

let private limitNames = limitBounds |> List.map (fun (n, _, _, _) -> n)

let private intLimit (errors: Errors) (path: string) (map: Map<string, JsonElement>) name =
    let lowest, highest, what =
        limitBounds
        |> List.pick (fun (n, lo, hi, w) -> if n = name then Some(lo, hi, w) else None)

    match map.TryFind name with
    | None -> None
    | Some e ->
        let p = child path name

        match e.ValueKind with
        | JsonValueKind.Number ->
            match e.TryGetInt32() with
            | true, v when v >= lowest && v <= highest -> Some v
            | true, v ->
                errors.Add(p, $"{v} is outside {lowest}..{highest} {what}")
                None
            | _ ->
                errors.Add(p, $"{shown e} is not a whole number in {lowest}..{highest} {what}")
                None
        | k ->
            errors.Add(p, $"expected a whole number of {what}, got {kindName k}")
            None

/// Reads "limits" (an object of memoryMiB, cpuPercent, openFiles; each optional).
let internal parseLimits (errors: Errors) (path: string) (e: JsonElement) : ResourceLimits =
    match fields errors path limitNames e with
    | None -> ResourceLimits.None
    | Some map ->
        {
            MemoryMiB = intLimit errors path map "memoryMiB"
            CpuPercent = intLimit errors path map "cpuPercent"
            OpenFiles = intLimit errors path map "openFiles"
        }

/// Reads "isolation" (absent: the default for the kind; an unknown mode is an error naming the known ones).
let internal parseIsolation
    (errors: Errors)
    (kind: PluginKind option)
    (map: Map<string, JsonElement>)
    : Isolation option =
    match map.TryFind "isolation" with
    | None -> Some(defaultIsolation (defaultArg kind Protocol))
    | Some _ -> choice errors "" map "isolation" "an isolation mode" isolationNames

/// Limits only make sense for a plugin with its own process.
let internal crossCheck (errors: Errors) (isolation: Isolation option) (limits: ResourceLimits) =
    if isolation = Some InProcess && limits <> ResourceLimits.None then
        errors.Add(
            "limits",
            "resource limits need \"isolation\": \"process\" (an in-process plugin shares the host's limits)"
        )

/// Writes "isolation" and, when any limit is set, "limits".
let internal write (w: Utf8JsonWriter) (isolation: Isolation) (limits: ResourceLimits) =
    w.WriteString("isolation", isolationName isolation)

    if limits <> ResourceLimits.None then
        w.WriteStartObject "limits"
        limits.MemoryMiB |> Option.iter (fun v -> w.WriteNumber("memoryMiB", v))
        limits.CpuPercent |> Option.iter (fun v -> w.WriteNumber("cpuPercent", v))
        limits.OpenFiles |> Option.iter (fun v -> w.WriteNumber("openFiles", v))
        w.WriteEndObject()
