/// Network footprints made concrete: plugin entries with their configured ports, the host's own entries,
/// and collisions between owners listening on the same port.
module Appliance.Core.Network.Footprint

open System
open Appliance.Core.Manifest

/// The owner of the host's own footprint entries.
[<Literal>]
let HostOwner = "appliance.host"

let private entry direction transport port zone fqdn purpose required =
    { Owner = HostOwner
      Entry =
        { Direction = direction
          Transport = transport
          Port = Port port
          Zone = zone
          Fqdn = fqdn
          Purpose = purpose
          Required = required
          ConfigKey = None
          Multicast = None } }

/// Problems in the host's network settings, each with its path under "hostNetwork".
let validateHostSettings (s: HostNetworkSettings) : ManifestError list =
    let err path message = { Path = $"hostNetwork.{path}"; Message = message }
    let isPort n = n >= 1 && n <= 65535
    let isZone (z: string) = Text.RegularExpressions.Regex.IsMatch(z, "^[a-z][a-z0-9-]{0,30}$")

    [ if not (isPort s.HttpsPort) then yield err "httpsPort" $"{s.HttpsPort} is not a TCP port"
      match s.HttpPort with
      | Some p when not (isPort p) -> yield err "httpPort" $"{p} is not a TCP port"
      | Some p when p = s.HttpsPort -> yield err "httpPort" $"{p} is also the HTTPS port"
      | _ -> ()
      if not (isZone s.ManagementZone) then yield err "managementZone" "is not a zone name"
      if not (isZone s.UplinkZone) then yield err "uplinkZone" "is not a zone name"
      for i, n in List.indexed s.NtpServers do
          if not (NetworkEntries.isFqdn n) then yield err $"ntpServers[{i}]" $"\"{n}\" is not a fully qualified domain name"
      for i, n in List.indexed s.UpdateFqdns do
          if not (NetworkEntries.isFqdn n) then yield err $"updateFqdns[{i}]" $"\"{n}\" is not a fully qualified domain name"
      match s.CloudMqttFqdn with
      | Some n when not (NetworkEntries.isFqdn n) -> yield err "cloudMqttFqdn" $"\"{n}\" is not a fully qualified domain name"
      | _ -> ()
      if not (isPort s.CloudMqttPort) then yield err "cloudMqttPort" $"{s.CloudMqttPort} is not a TCP port"
      match s.Proxy with
      | Some p when String.IsNullOrWhiteSpace p.Host -> yield err "proxy.host" "must not be empty"
      | Some p when not (isPort p.Port) -> yield err "proxy.port" $"{p.Port} is not a TCP port"
      | Some p when not (isZone p.Zone) -> yield err "proxy.zone" "is not a zone name"
      | _ -> () ]

/// The host's own footprint: portal in, DNS, NTP, updates, cloud MQTT and the proxy out.
let hostEntries (s: HostNetworkSettings) : ResolvedEntry list =
    let viaProxy =
        match s.Proxy with
        | Some p -> $" (through the proxy {p.Host}:{p.Port})"
        | None -> ""

    [ yield
          entry Inbound Tcp s.HttpsPort s.ManagementZone None "Portal and API over HTTPS: administration, plugin management, /api/v1" true
      match s.HttpPort with
      | Some p ->
          yield entry Inbound Tcp p s.ManagementZone None "Redirects plain HTTP requests to the HTTPS portal" false
      | None -> ()
      yield
          entry Outbound Udp 53 ZoneNames.Any None "DNS queries to the configured resolvers (cameras, cloud and update host names)" true
      yield entry Outbound Tcp 53 ZoneNames.Any None "DNS over TCP for answers too large for UDP" true
      for server in s.NtpServers do
          yield
              entry Outbound Udp 123 s.UplinkZone (Some server) "Time synchronisation (NTP): recordings, certificates and logs need the right time" true
      for fqdn in s.UpdateFqdns do
          yield entry Outbound Tcp 443 s.UplinkZone (Some fqdn) $"Software and plugin updates over HTTPS{viaProxy}" true
          yield
              entry Outbound Tcp 80 s.UplinkZone (Some fqdn) $"Software updates over HTTP mirrors, packages verified by signature{viaProxy}" false
      match s.CloudMqttFqdn with
      | Some fqdn ->
          yield
              entry Outbound Tcp s.CloudMqttPort s.UplinkZone (Some fqdn) $"Cloud link: MQTT over TLS for command and control, events and health{viaProxy}" false
      | None -> ()
      match s.Proxy with
      | Some p ->
          yield entry Outbound Tcp p.Port p.Zone (Some p.Host) "HTTP/1.1 proxy (CONNECT) for outbound HTTPS and MQTT" true
      | None -> () ]

/// A plugin's footprint with configured ports applied: an entry with a config key takes the integer at that key
/// of the resolved configuration when it is a port (0..65535), and keeps its declared port otherwise.
let resolve (manifest: PluginManifest) (config: Text.Json.JsonElement) : ResolvedEntry list =
    manifest.Network
    |> List.map (fun e ->
        let port =
            match e.ConfigKey, e.Port with
            | Some key, Port _ ->
                match ConfigSchema.tryGetInt config key with
                | Some p when p >= 0 && p <= 65535 -> Port p
                | _ -> e.Port
            | _ -> e.Port

        { Owner = manifest.Id
          Entry = { e with Port = port } })

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

    [ for a in listening do
          for b in listening do
              if String.CompareOrdinal(a.Owner, b.Owner) < 0 && a.Entry.Transport = b.Entry.Transport then
                  let af, al = range a.Entry.Port
                  let bf, bl = range b.Entry.Port
                  let first, last = max af bf, min al bl

                  if first <= last then
                      yield
                          { Path = "network"
                            Message =
                              $"{a.Owner} and {b.Owner} both want {transportName a.Entry.Transport}/{portsText (first, last)} inbound" } ]
    |> List.distinct
    |> List.sort
