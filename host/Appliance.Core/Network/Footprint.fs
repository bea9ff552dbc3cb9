/// Network footprints made concrete: plugin entries with their configured ports, the host's own entries,
/// and collisions between owners listening on the same port.
module Appliance.Core.Network.Footprint

open System
open Appliance.Core.Manifest

/// The owner of the host's own footprint entries.
[<Literal>]
let HostOwner = "appliance.host"

[<Literal>]
let SshPort = 22

let private entry direction transport port zone fqdn purpose required =
    {
        Owner = HostOwner
        Entry =
            {
                Direction = direction
                Transport = transport
                Port = Port port
                Zone = zone
                Fqdn = fqdn
                Purpose = purpose
                Required = required
                ConfigKey = None
                FromConfig = None
                WhenKey = None
                Multicast = None
            }
    }

/// The appliance setting an entry of the host comes from (the requirements' "Config key" column).
let private keyed (key: string) (r: ResolvedEntry) =
    { r with
        Entry =
            { r.Entry with
                ConfigKey = Some("appliance." + key)
            }
    }

/// Problems in the host's network settings, each with its path under "hostNetwork".
let validateHostSettings (s: HostNetworkSettings) : ManifestError list =
    let err path message =
        {
            Path = $"hostNetwork.{path}"
            Message = message
        }

    let isPort n = n >= 1 && n <= 65535

    let isZone (z: string) =
        Text.RegularExpressions.Regex.IsMatch(z, "^[a-z][a-z0-9-]{0,30}$")

    let isAddress (h: string) =
        match Net.IPAddress.TryParse h with
        | true, _ -> true
        | _ -> false

    [
        if not (isPort s.HttpsPort) then
            yield err "httpsPort" $"{s.HttpsPort} is not a TCP port"
        match s.HttpPort with
        | Some p when not (isPort p) -> yield err "httpPort" $"{p} is not a TCP port"
        | Some p when p = s.HttpsPort -> yield err "httpPort" $"{p} is also the HTTPS port"
        | _ -> ()
        if not (isZone s.ManagementZone) then
            yield err "managementZone" "is not a zone name"
        if not (isZone s.UplinkZone) then
            yield err "uplinkZone" "is not a zone name"
        for i, n in List.indexed s.NtpServers do
            if not (NetworkEntries.isFqdn n) then
                yield err $"ntpServers[{i}]" $"\"{n}\" is not a fully qualified domain name"
        for i, n in List.indexed s.UpdateFqdns do
            if not (NetworkEntries.isFqdn n) then
                yield err $"updateFqdns[{i}]" $"\"{n}\" is not a fully qualified domain name"
        match s.CloudMqttFqdn with
        | Some n when not (NetworkEntries.isFqdn n) ->
            yield err "cloudMqttFqdn" $"\"{n}\" is not a fully qualified domain name"
        | _ -> ()
        if not (isPort s.CloudMqttPort) then
            yield err "cloudMqttPort" $"{s.CloudMqttPort} is not a TCP port"
        for i, (h, p) in List.indexed s.CloudBrokers do
            if not (NetworkEntries.isFqdn h || isAddress h) then
                yield err $"cloudBrokers[{i}]" $"\"{h}\" is neither a fully qualified domain name nor an IP address"

            if not (isPort p) then
                yield err $"cloudBrokers[{i}]" $"{p} is not a TCP port"
        match s.Proxy with
        | Some p when String.IsNullOrWhiteSpace p.Host -> yield err "proxy.host" "must not be empty"
        | Some p when not (isPort p.Port) -> yield err "proxy.port" $"{p.Port} is not a TCP port"
        | Some p when not (isZone p.Zone) -> yield err "proxy.zone" "is not a zone name"
        | _ -> ()
        match s.Directory with
        | Some d when not (NetworkEntries.isFqdn d.Host || isAddress d.Host) ->
            yield err "directory.host" $"\"{d.Host}\" is neither a fully qualified domain name nor an IP address"
        | Some d when not (isPort d.Port) -> yield err "directory.port" $"{d.Port} is not a TCP port"
        | Some d when not (isZone d.Zone) -> yield err "directory.zone" "is not a zone name"
        | _ -> ()
        match s.Stun with
        | Some(h, _) when not (NetworkEntries.isFqdn h || isAddress h) ->
            yield err "stun.host" $"\"{h}\" is neither a fully qualified domain name nor an IP address"
        | Some(_, p) when not (isPort p) -> yield err "stun.port" $"{p} is not a UDP port"
        | _ -> ()
        for i, z in List.indexed s.SshZones do
            if not (isZone z) then
                yield err $"sshZones[{i}]" "is not a zone name"
    ]

/// The host's own footprint: portal in, DNS, NTP, updates, cloud MQTT, the proxy and the login directory out.
let hostEntries (s: HostNetworkSettings) : ResolvedEntry list =
    let viaProxy =
        match s.Proxy with
        | Some p -> $" (through the proxy {p.Host}:{p.Port})"
        | None -> ""

    [
        yield
            entry
                Inbound
                Tcp
                s.HttpsPort
                s.ManagementZone
                None
                "Portal and API over HTTPS: administration, plugin management, /api/v1"
                true
            |> keyed "http.httpsPort"
        match s.HttpPort with
        | Some p ->
            yield
                entry Inbound Tcp p s.ManagementZone None "Redirects plain HTTP requests to the HTTPS portal" false
                |> keyed "http.httpPort"
        | None -> ()
        yield
            entry
                Outbound
                Udp
                53
                ZoneNames.Any
                None
                "DNS queries to the configured resolvers (cameras, cloud and update host names)"
                true
        yield entry Outbound Tcp 53 ZoneNames.Any None "DNS over TCP for answers too large for UDP" true
        for server in s.NtpServers do
            yield
                entry
                    Outbound
                    Udp
                    123
                    s.UplinkZone
                    (Some server)
                    "Time synchronisation (NTP): recordings, certificates and logs need the right time"
                    true
                |> keyed "network.ntpServers"
        for fqdn in s.UpdateFqdns do
            yield
                entry Outbound Tcp 443 s.UplinkZone (Some fqdn) $"Software and plugin updates over HTTPS{viaProxy}" true
                |> keyed "network.updateFqdns"

            yield
                entry
                    Outbound
                    Tcp
                    80
                    s.UplinkZone
                    (Some fqdn)
                    $"Software updates over HTTP mirrors, packages verified by signature{viaProxy}"
                    false
                |> keyed "network.updateFqdns"
        let cloudPurpose =
            $"Cloud link: MQTT over TLS for command and control, events and health{viaProxy}"

        match s.CloudBrokers, s.CloudMqttFqdn with
        | [], Some fqdn ->
            yield
                entry Outbound Tcp s.CloudMqttPort s.UplinkZone (Some fqdn) cloudPurpose false
                |> keyed "network.cloudMqttFqdn"
        | [], None -> ()
        | brokers, _ ->
            for host, port in List.distinct brokers do
                yield
                    entry Outbound Tcp port s.UplinkZone (Some host) cloudPurpose false
                    |> keyed "cloud.brokers"

        match s.Proxy with
        | Some p ->
            yield
                entry
                    Outbound
                    Tcp
                    p.Port
                    p.Zone
                    (Some p.Host)
                    "HTTP/1.1 proxy (CONNECT) for outbound HTTPS and MQTT"
                    true
                |> keyed "network.proxy"
        | None -> ()

        match s.Directory with
        | Some d ->
            yield
                entry
                    Outbound
                    Tcp
                    d.Port
                    d.Zone
                    (Some d.Host)
                    "Directory logins (LDAP/AD): user bind and group search, over LDAPS or StartTLS"
                    true
                |> keyed "auth.ldap.url"
        | None -> ()

        match s.Stun with
        | Some(host, port) ->
            yield
                entry
                    Outbound
                    Udp
                    port
                    s.UplinkZone
                    (Some host)
                    "STUN: the public address and NAT type, checked by the network doctor"
                    false
                |> keyed "network.doctor.stunServer"
        | None -> ()

        for zone in List.distinct s.SshZones do
            yield
                entry
                    Inbound
                    Tcp
                    SshPort
                    zone
                    None
                    "Maintenance login over SSH (keys only), while systemServices.ssh is enabled"
                    false
                |> keyed "systemServices.ssh.enabled"
    ]

/// A host for an outbound peer: a host name (lower-cased) or an IP address literal (canonical form).
let private peerHost (text: string) : Result<string, string> =
    let t = text.Trim()

    match Net.IPAddress.TryParse t with
    | true, NonNull a -> Ok(a.ToString())
    | _ ->
        let lower = t.ToLowerInvariant()

        if NetworkEntries.isFqdn lower then
            Ok lower
        else
            Error $"\"{t}\" is neither a host name (at least two labels) nor an IP address"

let private transportOf (text: string) =
    match text with
    | "tcp" -> Some Tcp
    | "udp" -> Some Udp
    | _ -> None

/// One entry made concrete from the configuration: its resolved entries, or every problem with its path under
/// "config" (the path of the offending value).
let private resolveEntry
    (config: Text.Json.JsonElement)
    (e: FootprintEntry)
    : Result<FootprintEntry list, ManifestError list> =
    let at (key: string) = "config." + key

    let withPort =
        match e.ConfigKey, e.Port with
        | Some key, Port _ ->
            match ConfigSchema.tryGetInt config key with
            | Some p when p >= 0 && p <= 65535 -> { e with Port = Port p }
            | _ -> e
        | _ -> e

    match e.FromConfig with
    | None -> Ok [ withPort ]
    | Some(PortRangeKey key) ->
        match ConfigSchema.tryGet config key with
        | Some v when v.ValueKind = Text.Json.JsonValueKind.String ->
            match NetworkEntries.parsePortText (v.GetString() |> string) with
            | Ok p when fst (NetworkEntries.portRange p) >= 1 -> Ok [ { withPort with Port = p } ]
            | Ok _ ->
                Error
                    [
                        {
                            Path = at key
                            Message = "port 0 cannot be part of a configured range"
                        }
                    ]
            | Error m -> Error [ { Path = at key; Message = m } ]
        | _ -> Ok [ withPort ]
    | Some(FqdnKey key) ->
        match ConfigSchema.tryGet config key with
        | Some v when
            v.ValueKind = Text.Json.JsonValueKind.String
            && (v.GetString() |> string).Trim() = ""
            ->
            Ok []
        | Some v when v.ValueKind = Text.Json.JsonValueKind.String ->
            match peerHost (v.GetString() |> string) with
            | Ok h -> Ok [ { withPort with Fqdn = Some h } ]
            | Error m -> Error [ { Path = at key; Message = m } ]
        | _ -> Ok(if withPort.Fqdn.IsSome then [ withPort ] else [])
    | Some(TargetsKey key) ->
        match ConfigSchema.tryGet config key with
        | Some v when v.ValueKind = Text.Json.JsonValueKind.Array ->
            let items =
                [
                    for i, item in Seq.indexed (v.EnumerateArray()) ->
                        let path = $"{at key}[{i}]"

                        let err (field: string) m =
                            Error
                                [
                                    {
                                        Path = (if field = "" then path else $"{path}.{field}")
                                        Message = m
                                    }
                                ]

                        if item.ValueKind <> Text.Json.JsonValueKind.Object then
                            err "" "expected an object {host, port, transport}"
                        else
                            let get (name: string) =
                                match item.TryGetProperty name with
                                | true, x -> Some x
                                | _ -> None

                            let host =
                                match get "host" with
                                | Some h when h.ValueKind = Text.Json.JsonValueKind.String ->
                                    peerHost (h.GetString() |> string)
                                    |> Result.mapError (fun m -> [ { Path = $"{path}.host"; Message = m } ])
                                | Some _ ->
                                    Error
                                        [
                                            {
                                                Path = $"{path}.host"
                                                Message = "expected a string"
                                            }
                                        ]
                                | None ->
                                    Error
                                        [
                                            {
                                                Path = $"{path}.host"
                                                Message = "a target needs a host"
                                            }
                                        ]

                            let port =
                                match get "port", withPort.Port with
                                | Some p, _ ->
                                    let number =
                                        if p.ValueKind = Text.Json.JsonValueKind.Number then
                                            (match p.TryGetInt32() with
                                             | true, n -> Some n
                                             | _ -> None)
                                        else
                                            None

                                    match number with
                                    | Some n when n >= 1 && n <= 65535 -> Ok(Port n)
                                    | _ ->
                                        Error
                                            [
                                                {
                                                    Path = $"{path}.port"
                                                    Message = $"{p.GetRawText()} is not a TCP/UDP port (1-65535)"
                                                }
                                            ]
                                | None, declared -> Ok declared

                            let transport =
                                match get "transport" with
                                | Some t when t.ValueKind = Text.Json.JsonValueKind.String ->
                                    match transportOf (t.GetString() |> string) with
                                    | Some x -> Ok x
                                    | None ->
                                        Error
                                            [
                                                {
                                                    Path = $"{path}.transport"
                                                    Message = "expected \"tcp\" or \"udp\""
                                                }
                                            ]
                                | Some _ ->
                                    Error
                                        [
                                            {
                                                Path = $"{path}.transport"
                                                Message = "expected \"tcp\" or \"udp\""
                                            }
                                        ]
                                | None -> Ok withPort.Transport

                            // Other fields of the item are the plugin's own (a name, credentials): not the footprint's.
                            match host, port, transport with
                            | Ok h, Ok p, Ok t ->
                                Ok
                                    { withPort with
                                        Fqdn = Some h
                                        Port = p
                                        Transport = t
                                    }
                            | _ ->
                                Error(
                                    [
                                        host |> Result.map ignore
                                        port |> Result.map ignore
                                        transport |> Result.map ignore
                                    ]
                                    |> List.collect (function
                                        | Error es -> es
                                        | Ok() -> [])
                                )
                ]

            match
                items
                |> List.collect (function
                    | Error es -> es
                    | Ok _ -> [])
            with
            | [] ->
                Ok(
                    items
                    |> List.choose (function
                        | Ok x -> Some x
                        | Error _ -> None)
                    |> List.distinct
                )
            | errors -> Error errors
        | _ -> Ok []

/// A plugin's footprint made concrete from its validated configuration: configKey ports, portRangeKey ranges,
/// fqdnKey hosts and targetsKey lists applied. A value that does not resolve is an error with its path under
/// "config"; the host refuses such a configuration. Entries of an empty host or target list are left out.
/// Whether an entry is switched on: no whenKey, or its boolean setting true in the configuration (else its default).
let inUse (manifest: PluginManifest) (config: Text.Json.JsonElement) (e: FootprintEntry) : bool =
    match e.WhenKey with
    | None -> true
    | Some key ->
        let value =
            match ConfigSchema.tryGet config key with
            | Some v -> Some v
            | None ->
                manifest.Config
                |> List.tryFind (fun s -> s.Key = key)
                |> Option.bind (fun s -> s.Default)

        match value with
        | Some v when v.ValueKind = Text.Json.JsonValueKind.False -> false
        | _ -> true

let resolveChecked
    (manifest: PluginManifest)
    (config: Text.Json.JsonElement)
    : Result<ResolvedEntry list, ManifestError list> =
    let results =
        manifest.Network
        |> List.filter (inUse manifest config)
        |> List.map (resolveEntry config)

    match
        results
        |> List.collect (function
            | Error es -> es
            | Ok _ -> [])
    with
    | [] ->
        Ok(
            results
            |> List.collect (function
                | Ok es -> es
                | Error _ -> [])
            |> List.map (fun e -> { Owner = manifest.Id; Entry = e })
        )
    | errors -> Error errors

let private resolveWhere (keep: FootprintEntry -> bool) (manifest: PluginManifest) (config: Text.Json.JsonElement) =
    manifest.Network
    |> List.filter keep
    |> List.collect (fun e ->
        match resolveEntry config e with
        | Ok es -> es
        | Error _ ->
            match e.FromConfig with
            | Some(PortRangeKey _) -> resolveEntry config { e with FromConfig = None } |> Result.defaultValue []
            | _ -> [])
    |> List.map (fun e -> { Owner = manifest.Id; Entry = e })

/// A plugin's footprint with configuration applied, total: entries whose configured value does not resolve keep
/// their declared port (configKey, portRangeKey) or are left out (fqdnKey, targetsKey); entries switched off by
/// their whenKey are left out.
let resolve (manifest: PluginManifest) (config: Text.Json.JsonElement) : ResolvedEntry list =
    resolveWhere (inUse manifest config) manifest config

/// As `resolve`, with the entries switched off by their whenKey too (the requirements page's "show all").
let resolveDeclared (manifest: PluginManifest) (config: Text.Json.JsonElement) : ResolvedEntry list =
    resolveWhere (fun _ -> true) manifest config

let internal range (p: PortSpec) =
    match p with
    | Port n -> n, n
    | PortRange(first, last) -> first, last

let internal portsText (first: int, last: int) =
    if first = last then string first else $"{first}-{last}"

let internal transportName (t: Transport) = if t = Tcp then "tcp" else "udp"

/// Two different owners listening inbound on the same transport and overlapping ports (port 0, "chosen by the
/// system", never collides). Sorted and without repeats, so the order of the input does not matter.
let collisions (entries: ResolvedEntry list) : ManifestError list =
    let listening =
        entries
        |> List.filter (fun r -> r.Entry.Direction = Inbound && range r.Entry.Port <> (0, 0))

    [
        for a in listening do
            for b in listening do
                if
                    String.CompareOrdinal(a.Owner, b.Owner) < 0
                    && a.Entry.Transport = b.Entry.Transport
                then
                    let af, al = range a.Entry.Port
                    let bf, bl = range b.Entry.Port
                    let first, last = max af bf, min al bl

                    if first <= last then
                        yield
                            {
                                Path = "network"
                                Message =
                                    $"{a.Owner} and {b.Owner} both want {transportName a.Entry.Transport}/{portsText (first, last)} inbound"
                            }
    ]
    |> List.distinct
    |> List.sort
