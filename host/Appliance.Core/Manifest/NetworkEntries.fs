/// The "network" section of plugin.json: footprint entries, and the checks that tie them to the
/// configuration schema and the capabilities.
module internal Appliance.Core.Manifest.NetworkEntries

open System
open System.Net
open System.Text.Json
open System.Text.RegularExpressions
open Appliance.Core.Manifest.JsonRead

let private entryFields =
    [
        "direction"
        "transport"
        "port"
        "zone"
        "fqdn"
        "multicast"
        "purpose"
        "required"
        "configKey"
        "portRangeKey"
        "fqdnKey"
        "targetsKey"
        "whenKey"
    ]

let private zonePattern =
    Regex(@"^[a-z][a-z0-9-]{0,30}$", RegexOptions.CultureInvariant)

let private portTextPattern =
    Regex(@"^([0-9]{1,5})(?:-([0-9]{1,5}))?$", RegexOptions.CultureInvariant)

let private labelPattern =
    Regex(@"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)

/// A host name of at least two labels (RFC 1123), lower case, not an IP address.
let isFqdn (name: string) =
    let labels = name.Split '.'

    name.Length <= 253
    && labels.Length >= 2
    && labels |> Array.forall labelPattern.IsMatch
    && not (labels[labels.Length - 1] |> Seq.forall Char.IsAsciiDigit)

/// 224.0.0.0/4 or ff00::/8, written in canonical form.
let private isMulticastGroup (text: string) =
    match IPAddress.TryParse text with
    | true, NonNull a when a.ToString() = text ->
        if a.AddressFamily = Sockets.AddressFamily.InterNetwork then
            let first = a.GetAddressBytes()[0]
            first >= 224uy && first <= 239uy
        else
            a.IsIPv6Multicast
    | _ -> false

let portRange (p: PortSpec) =
    match p with
    | Port n -> n, n
    | PortRange(first, last) -> first, last

let portText (p: PortSpec) =
    match p with
    | Port n -> string n
    | PortRange(first, last) -> $"{first}-{last}"

/// "554" or "49152-65535" as a port spec, or why not (used for manifests and for configured ranges).
let parsePortText (text: string) : Result<PortSpec, string> =
    let m = portTextPattern.Match text
    let inRange (n: int) = n >= 0 && n <= 65535

    if not m.Success then
        Error $"{quote text} is not a port or port range (e.g. 554 or 49152-65535)"
    else
        let first = int m.Groups[1].Value

        let last =
            if m.Groups[2].Success then
                Some(int m.Groups[2].Value)
            else
                None

        match [ Some first; last ] |> List.choose id |> List.tryFind (inRange >> not) with
        | Some bad -> Error $"{bad} is not a TCP/UDP port"
        | None ->
            match last with
            | None -> Ok(Port first)
            | Some l when first > l -> Error $"range {first}-{l} has its first port after its last"
            | Some l -> Ok(PortRange(first, l))

let private parsePort (errors: Errors) (path: string) (e: JsonElement) : PortSpec option =
    let inRange (n: int) = n >= 0 && n <= 65535

    match e.ValueKind with
    | JsonValueKind.Number ->
        match e.TryGetInt32() with
        | true, n when inRange n -> Some(Port n)
        | _ ->
            errors.Add(path, $"{shown e} is not a TCP/UDP port")
            None
    | JsonValueKind.String ->
        let text = tryGetString e |> Option.defaultValue ""
        let m = portTextPattern.Match text

        if not m.Success then
            errors.Add(path, $"{shown e} is not a port or port range (e.g. 554 or 49152-65535)")
            None
        else
            let first = int m.Groups[1].Value

            let last =
                if m.Groups[2].Success then
                    Some(int m.Groups[2].Value)
                else
                    None

            match [ Some first; last ] |> List.choose id |> List.tryFind (inRange >> not) with
            | Some bad ->
                errors.Add(path, $"{bad} is not a TCP/UDP port")
                None
            | None ->
                match last with
                | None -> Some(Port first)
                | Some l when first > l ->
                    errors.Add(path, $"range {first}-{l} has its first port after its last")
                    None
                | Some l -> Some(PortRange(first, l))
    | k ->
        errors.Add(path, $"expected a port number or a \"first-last\" range string, got {kindName k}")
        None

/// One entry of "network"; checks that concern only the entry itself.
let parseEntry (errors: Errors) (path: string) (e: JsonElement) : FootprintEntry option =
    match fields errors path entryFields e with
    | None -> None
    | Some map ->
        let before = errors.Count

        let direction =
            choice errors path map "direction" "a direction" [ "in", Inbound; "out", Outbound ]

        let transport =
            choice errors path map "transport" "a transport" [ "tcp", Tcp; "udp", Udp ]

        let port =
            require errors path map "port"
            |> Option.bind (parsePort errors (child path "port"))

        let zone =
            requiredString errors path 100 false map "zone"
            |> Option.bind (fun z ->
                if zonePattern.IsMatch z then
                    Some z
                else
                    errors.Add(
                        child path "zone",
                        $"{quote z} is not a zone name (lower-case letters, digits and '-', starting with a letter, at most 31 characters)"
                    )

                    None)

        let fqdn =
            optionalString errors path 253 false map "fqdn"
            |> Result.bind (fun f ->
                match f |> Option.map (fun s -> s.ToLowerInvariant()) with
                | Some s when not (isFqdn s) ->
                    errors.Add(
                        child path "fqdn",
                        $"{quote s} is not a fully qualified domain name (e.g. relay.example.net)"
                    )

                    Error()
                | v -> Ok v)

        let multicast =
            optionalString errors path 45 false map "multicast"
            |> Result.bind (fun m ->
                match m with
                | Some s when not (isMulticastGroup s) ->
                    errors.Add(
                        child path "multicast",
                        $"{quote s} is not a multicast group address (224.0.0.0/4 or ff00::/8, canonical form)"
                    )

                    Error()
                | v -> Ok v)

        let purpose =
            requiredString errors path 200 false map "purpose"
            |> nonEmpty errors (child path "purpose")

        let required = requiredBool errors path map "required"
        let configKey = optionalString errors path 100 false map "configKey"
        let portRangeKey = optionalString errors path 100 false map "portRangeKey"
        let fqdnKey = optionalString errors path 100 false map "fqdnKey"
        let targetsKey = optionalString errors path 100 false map "targetsKey"
        let whenKey = optionalString errors path 100 false map "whenKey"

        let source =
            match portRangeKey, fqdnKey, targetsKey with
            | Ok(Some k), Ok None, Ok None -> Ok(Some(PortRangeKey k))
            | Ok None, Ok(Some k), Ok None -> Ok(Some(FqdnKey k))
            | Ok None, Ok None, Ok(Some k) -> Ok(Some(TargetsKey k))
            | Ok None, Ok None, Ok None -> Ok None
            | Ok _, Ok _, Ok _ ->
                errors.Add(path, "an entry takes at most one of portRangeKey, fqdnKey and targetsKey")
                Error()
            | _ -> Error()

        match source, configKey with
        | Ok(Some(PortRangeKey _)), Ok(Some _) ->
            errors.Add(
                child path "portRangeKey",
                "an entry takes its port from configKey or its range from portRangeKey, not both"
            )
        | Ok(Some(TargetsKey _)), Ok(Some _) ->
            errors.Add(child path "targetsKey", "targets carry their own ports; drop configKey")
        | _ -> ()

        match direction, source with
        | Some Inbound, Ok(Some(FqdnKey _)) ->
            errors.Add(child path "fqdnKey", "an inbound entry cannot take an FQDN (peers connect to the appliance)")
        | Some Inbound, Ok(Some(TargetsKey _)) ->
            errors.Add(child path "targetsKey", "targets are outbound peers; an inbound entry cannot take them")
        | _ -> ()

        match source, fqdn with
        | Ok(Some(TargetsKey _)), Ok(Some _) ->
            errors.Add(child path "fqdn", "targets carry their own hosts; drop fqdn")
        | _ -> ()

        match direction, fqdn with
        | Some Inbound, Ok(Some _) ->
            errors.Add(child path "fqdn", "an inbound entry cannot name an FQDN (peers connect to the appliance)")
        | _ -> ()

        match transport, multicast with
        | Some Tcp, Ok(Some _) -> errors.Add(child path "multicast", "multicast needs transport udp")
        | _ -> ()

        match port, configKey with
        | Some(PortRange _), Ok(Some _) ->
            errors.Add(child path "configKey", "a config key can replace a single port, not a range")
        | _ -> ()

        match direction, transport, port, zone, fqdn, multicast, purpose, required, configKey, source, whenKey with
        | Some d, Some t, Some p, Some z, Ok f, Ok m, Some pu, Some r, Ok k, Ok source, Ok w when errors.Count = before ->
            Some
                {
                    Direction = d
                    Transport = t
                    Port = p
                    Zone = z
                    Fqdn = f
                    Purpose = pu
                    Required = r
                    ConfigKey = k
                    FromConfig = source
                    Multicast = m
                    WhenKey = w
                }
        | _ -> None

/// Includes a port in 1..1023 (port 0 means "chosen by the system").
let private isPrivileged (first: int, last: int) = last >= 1 && first < 1024

/// Checks across sections: config keys of network entries, privileged inbound ports.
let crossCheck
    (errors: Errors)
    (settings: ConfigSetting list)
    (declaredKeys: string list)
    (capabilities: Capability list)
    (entries: (int * FootprintEntry) list)
    =
    let privileged = List.contains PrivilegedPort capabilities

    for i, entry in entries do
        let path = index "network" i
        let first, last = portRange entry.Port

        if entry.Direction = Inbound && not privileged && isPrivileged (first, last) then
            match entry.Port with
            | Port n ->
                errors.Add(
                    child path "port",
                    $"inbound port {n} is privileged (below 1024) and needs the \"privileged-port\" capability"
                )
            | PortRange(f, l) ->
                errors.Add(
                    child path "port",
                    $"inbound range {f}-{l} includes privileged ports (below 1024) and needs the \"privileged-port\" capability"
                )

        match entry.ConfigKey with
        | None -> ()
        | Some key ->
            let keyPath = child path "configKey"

            match settings |> List.tryFind (fun s -> s.Key = key) with
            | None when List.contains key declaredKeys -> () // the setting itself is invalid and already reported
            | None -> errors.Add(keyPath, $"{quote key} is not a setting in config")
            | Some s when s.Type <> SInteger ->
                errors.Add(
                    keyPath,
                    $"setting {quote key} is of type {ConfigSchema.typeName s.Type}; a port setting must be an integer"
                )
            | Some s ->
                match s.Minimum, s.Maximum with
                | Some lo, Some hi when lo >= 0m && hi <= 65535m ->
                    if entry.Direction = Inbound && not privileged && lo < 1024m then
                        errors.Add(
                            keyPath,
                            $"setting {quote key} allows privileged ports (minimum {lo} is below 1024); raise its minimum to 1024 or declare the \"privileged-port\" capability"
                        )

                    match s.Default, entry.Port with
                    | Some d, Port n when d.ValueKind = JsonValueKind.Number && d.GetInt64() <> int64 n ->
                        errors.Add(
                            child path "port",
                            $"{n} differs from {d.GetRawText()}, the default of config setting {quote key}"
                        )
                    | _ -> ()
                | _ ->
                    errors.Add(
                        keyPath,
                        $"setting {quote key} must have a minimum of at least 0 and a maximum of at most 65535, so that every value it allows is a port"
                    )

        match entry.WhenKey with
        | None -> ()
        | Some key ->
            match settings |> List.tryFind (fun s -> s.Key = key) with
            | None when List.contains key declaredKeys -> ()
            | None -> errors.Add(child path "whenKey", $"{quote key} is not a setting in config")
            | Some s when s.Type <> SBoolean ->
                errors.Add(
                    child path "whenKey",
                    $"setting {quote key} is of type {ConfigSchema.typeName s.Type}; a switch must be a boolean"
                )
            | Some _ -> ()

        match entry.FromConfig with
        | None -> ()
        | Some source ->
            let name, key, wanted, what =
                match source with
                | PortRangeKey k -> "portRangeKey", k, SString, "a port range setting must be a string (\"first-last\")"
                | FqdnKey k -> "fqdnKey", k, SString, "a host setting must be a string"
                | TargetsKey k ->
                    "targetsKey", k, SArray, "a targets setting must be an array of {host, port, transport} objects"

            let keyPath = child path name

            match settings |> List.tryFind (fun s -> s.Key = key) with
            | None when List.contains key declaredKeys -> ()
            | None -> errors.Add(keyPath, $"{quote key} is not a setting in config")
            | Some s when s.Type <> wanted ->
                errors.Add(keyPath, $"setting {quote key} is of type {ConfigSchema.typeName s.Type}; {what}")
            | Some s ->
                match source, s.Default with
                | PortRangeKey _, Some d when d.ValueKind = JsonValueKind.String ->
                    match parsePortText (d.GetString() |> string) with
                    | Error m -> errors.Add(keyPath, $"the default of setting {quote key} is not a port range: {m}")
                    | Ok spec when spec <> entry.Port ->
                        errors.Add(
                            child path "port",
                            $"{portText entry.Port} differs from {quote (d.GetString() |> string)}, the default of config setting {quote key}"
                        )
                    | Ok _ -> ()
                | _ -> ()
