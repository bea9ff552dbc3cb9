/// The network requirements page, generated from the resolved footprints of the host and the loaded plugins:
/// one table (Markdown, JSON, CSV) and an FQDN allowlist for outbound proxies and content filters.
module Appliance.Core.Network.Requirements

open System
open System.IO
open System.Text
open System.Text.Encodings.Web
open System.Text.Json
open Appliance.Core.Manifest

/// One row of the requirements table.
type RequirementRow =
    {
        Direction: Direction
        Transport: Transport
        FirstPort: int
        LastPort: int
        /// "554" or "49152-65535".
        Ports: string
        Zone: string
        Fqdn: string option
        Purpose: string
        Required: bool
        Owner: string
        ConfigKey: string option
        Multicast: string option
    }

let private directionText d =
    if d = Inbound then "inbound" else "outbound"

let private protocolText t = if t = Tcp then "TCP" else "UDP"

/// The table rows: loopback-only entries (zone "local") left out, repeats removed,
/// inbound first, then by port, transport, zone, FQDN and owner.
let build (entries: ResolvedEntry list) : RequirementRow list =
    entries
    |> List.filter (fun r -> r.Entry.Zone <> ZoneNames.Local)
    |> List.map (fun r ->
        let first, last = Footprint.range r.Entry.Port

        {
            Direction = r.Entry.Direction
            Transport = r.Entry.Transport
            FirstPort = first
            LastPort = last
            Ports = Footprint.portsText (first, last)
            Zone = r.Entry.Zone
            Fqdn = r.Entry.Fqdn
            Purpose = r.Entry.Purpose
            Required = r.Entry.Required
            Owner = r.Owner
            ConfigKey =
                match r.Entry.ConfigKey, r.Entry.FromConfig with
                | Some k, _ -> Some k
                | None, Some(PortRangeKey k)
                | None, Some(FqdnKey k)
                | None, Some(TargetsKey k) -> Some k
                | None, None -> r.Entry.WhenKey
            Multicast = r.Entry.Multicast
        })
    |> List.distinct
    |> List.sortBy (fun r ->
        (if r.Direction = Inbound then 0 else 1),
        r.FirstPort,
        r.LastPort,
        (if r.Transport = Tcp then 0 else 1),
        r.Zone,
        defaultArg r.Fqdn "",
        r.Owner,
        r.Purpose)

let private isAddress (host: string) =
    match Net.IPAddress.TryParse host with
    | true, _ -> true
    | _ -> false

/// "host:port/proto" allowlist items of outbound rows with a host name (not an IP address: a name filter cannot use
/// one), sorted by host, port and protocol.
let private allowlistItems (rows: RequirementRow list) =
    rows
    |> List.filter (fun r -> r.Direction = Outbound && r.Fqdn.IsSome && not (isAddress r.Fqdn.Value))
    |> List.map (fun r -> r.Fqdn.Value, r.FirstPort, r.LastPort, Footprint.transportName r.Transport)
    |> List.distinct
    |> List.sortWith (fun (h1, f1, l1, t1) (h2, f2, l2, t2) ->
        match String.CompareOrdinal(h1, h2) with
        | 0 -> compare (f1, l1, t1) (f2, l2, t2)
        | c -> c)

let private allowlistLine (host, first, last, proto) =
    $"{host}:{Footprint.portsText (first, last)}/{proto}"

/// Host names the appliance connects to (outbound entries with an FQDN), without repeats, sorted.
let fqdnAllowlist (entries: ResolvedEntry list) : string list =
    build entries
    |> allowlistItems
    |> List.map (fun (host, _, _, _) -> host)
    |> List.distinct

/// The allowlist with ports, one "host:port/proto" line each (e.g. "relay.example.net:443/tcp").
let allowlistText (entries: ResolvedEntry list) : string =
    build entries
    |> allowlistItems
    |> List.map (fun item -> allowlistLine item + "\n")
    |> String.concat ""

/// A table cell: no line breaks, pipes escaped, HTML characters as entities (text comes from plugin manifests).
let private cell (s: string) =
    s
        .Replace("&", "&amp;")
        .Replace("<", "&lt;")
        .Replace(">", "&gt;")
        .Replace("|", "\\|")
        .Replace("\r", " ")
        .Replace("\n", " ")

let private zoneLegend =
    [
        ZoneNames.Cameras, "the camera network: cameras are reachable only from the appliance"
        ZoneNames.Site, "the site LAN: operators, VMS, management stations"
        ZoneNames.Uplink, "the internet-facing link (WAN)"
        ZoneNames.Any, "whichever network holds the peer (e.g. the configured DNS resolvers)"
    ]

/// The notes under the table (zones, ephemeral ports, multicast, content filtering, config keys, optional rows), as
/// Markdown items (zone names in backticks).
let notes (rows: RequirementRow list) : string list =
    let items = allowlistItems rows

    [
        let zones = rows |> List.map (fun r -> r.Zone) |> List.distinct

        for zone, meaning in zoneLegend do
            if List.contains zone zones then
                yield $"Zone `{zone}`: {meaning}."

        yield
            ("Ephemeral ports: outbound connections leave from a source port the operating system picks "
             + "(Linux: 32768-60999); only destination ports are listed. A range in the table is a range of ports the "
             + "protocol itself uses (e.g. RTP media or relay ports negotiated at run time).")

        let multicast =
            rows |> List.choose (fun r -> r.Multicast) |> List.distinct |> List.sort

        if not multicast.IsEmpty then
            let groups = String.Join(", ", multicast)

            yield
                ($"Multicast: rows with a multicast group ({groups}) send to and receive from that group on the local segment. "
                 + "Switches must forward it (IGMP snooping needs a querier), and it does not cross routers. Devices answer "
                 + "with unicast UDP to the port the request left from, which connection tracking does not match to the "
                 + "multicast request: a firewall between the appliance and that zone must allow those answers.")

        if not items.IsEmpty then
            yield
                ("Content filtering: video and event streams have no end of file. A proxy or firewall that buffers "
                 + "content for inspection holds them forever; exclude the allowlisted host names from content inspection.")

        if rows |> List.exists (fun r -> r.ConfigKey.IsSome) then
            yield
                ("Config key: the setting that changes the port or the peer (appliance.* settings are the appliance's "
                 + "own, the others the owning plugin's); the table follows the current configuration.")

        if rows |> List.exists (fun r -> r.Owner.StartsWith "camera ") then
            yield
                "Cameras: rows owned by a camera are cameras whose address names a port of its own (not the protocol's default)."

        if rows |> List.exists (fun r -> not r.Required) then
            yield
                "Optional rows serve features that degrade gracefully when blocked; features switched off are not listed."
    ]

/// The requirements page in Markdown: title, how it was made, the table, the FQDN allowlist and notes.
let toMarkdown (rows: RequirementRow list) : string =
    let sb = StringBuilder()
    let line (s: string) = sb.Append(s).Append('\n') |> ignore
    let owners = rows |> List.map (fun r -> r.Owner) |> List.distinct |> List.sort
    let inbound = rows |> List.filter (fun r -> r.Direction = Inbound)
    let outbound = rows |> List.filter (fun r -> r.Direction = Outbound)
    let ownerList = String.Join(", ", owners)

    line "# Network requirements"
    line ""

    line (
        $"Generated by the appliance from the network footprints of the plugins loaded now and of the host itself "
        + $"({ownerList}). Every port the appliance uses is listed: {inbound.Length} inbound and {outbound.Length} outbound rows. "
        + "When a port is changed in a plugin's configuration, this page changes with it."
    )

    line ""

    line (
        "Inbound rows are the only ports the appliance listens on beyond loopback: allow each one from the zone named, "
        + "and nothing else. Outbound rows are connections the appliance opens; a stateful firewall lets their replies back in."
    )

    line ""
    line "## Ports"
    line ""
    line "| Direction | Protocol | Port(s) | Zone | FQDN | Multicast | Purpose | Required | Owner | Config key |"
    line "|---|---|---|---|---|---|---|---|---|---|"

    for r in rows do
        let required = if r.Required then "required" else "optional"

        let cells =
            [
                directionText r.Direction
                protocolText r.Transport
                r.Ports
                r.Zone
                defaultArg r.Fqdn ""
                defaultArg r.Multicast ""
                r.Purpose
                required
                r.Owner
                defaultArg r.ConfigKey ""
            ]
            |> List.map cell

        line ("| " + String.Join(" | ", cells) + " |")

    if not inbound.IsEmpty then
        line ""
        line "## Inbound ports by zone"
        line ""
        line "What a firewall in front of each zone must let through to the appliance."
        line ""

        for zone, zoneRows in inbound |> List.groupBy (fun r -> r.Zone) |> List.sortBy fst do
            let byTransport =
                zoneRows
                |> List.groupBy (fun r -> r.Transport)
                |> List.sortBy (fun (t, _) -> if t = Tcp then 0 else 1)
                |> List.map (fun (t, rs) ->
                    let ports = rs |> List.map (fun r -> r.Ports) |> List.distinct
                    protocolText t + " " + String.Join(", ", ports))

            let ports = String.Join("; ", byTransport)
            line $"- `{cell zone}`: {ports}"

    let items = allowlistItems rows
    line ""
    line "## FQDN allowlist"
    line ""

    if items.IsEmpty then
        line "The appliance connects to no host by name: no allowlist is needed."
    else
        line (
            "For outbound proxies, content filters and firewalls that filter by host name. Allow these names "
            + "rather than the addresses they resolve to, which change."
        )

        line ""
        line "```text"
        items |> List.iter (allowlistLine >> line)
        line "```"

    line ""
    line "## Notes"
    line ""

    for note in notes rows do
        line ("- " + note)

    sb.ToString()

let private writeOptional (w: Utf8JsonWriter) (name: string) (value: string option) =
    match value with
    | Some v -> w.WriteString(name, v)
    | None -> w.WriteNull name

/// The table and the allowlist as JSON: {"requirements": [...], "fqdnAllowlist": [...]}.
let toJson (rows: RequirementRow list) : string =
    use stream = new MemoryStream()

    do
        let options =
            JsonWriterOptions(Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping)

        use w = new Utf8JsonWriter(stream, options)
        w.WriteStartObject()
        w.WriteStartArray "requirements"

        for r in rows do
            w.WriteStartObject()
            w.WriteString("direction", (if r.Direction = Inbound then "in" else "out"))
            w.WriteString("transport", Footprint.transportName r.Transport)
            w.WriteString("ports", r.Ports)
            w.WriteNumber("firstPort", r.FirstPort)
            w.WriteNumber("lastPort", r.LastPort)
            w.WriteString("zone", r.Zone)
            writeOptional w "fqdn" r.Fqdn
            writeOptional w "multicast" r.Multicast
            w.WriteString("purpose", r.Purpose)
            w.WriteBoolean("required", r.Required)
            w.WriteString("owner", r.Owner)
            writeOptional w "configKey" r.ConfigKey
            w.WriteEndObject()

        w.WriteEndArray()
        w.WriteStartArray "fqdnAllowlist"

        for host, first, last, proto in allowlistItems rows do
            w.WriteStartObject()
            w.WriteString("host", host)
            w.WriteString("ports", Footprint.portsText (first, last))
            w.WriteString("transport", proto)
            w.WriteEndObject()

        w.WriteEndArray()
        w.WriteEndObject()

    Encoding.UTF8.GetString(stream.ToArray()) + "\n"

/// A CSV field per RFC 4180: quoted when it holds a comma, quote or line break, quotes doubled. A field that a
/// spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe.
let csvField (s: string) =
    let safe =
        if s.Length > 0 && "=+-@\t\r".IndexOf s[0] >= 0 then
            "'" + s
        else
            s

    if safe.IndexOfAny [| ','; '"'; '\r'; '\n' |] >= 0 then
        "\"" + safe.Replace("\"", "\"\"") + "\""
    else
        safe

/// The table as CSV (RFC 4180: header line, CRLF line ends).
let toCsv (rows: RequirementRow list) : string =
    let sb = StringBuilder()

    let record (fields: string list) =
        sb.Append(String.Join(",", fields |> List.map csvField)).Append("\r\n")
        |> ignore

    record
        [
            "direction"
            "transport"
            "ports"
            "zone"
            "fqdn"
            "multicast"
            "purpose"
            "required"
            "owner"
            "config_key"
        ]

    for r in rows do
        record
            [
                directionText r.Direction
                Footprint.transportName r.Transport
                r.Ports
                r.Zone
                defaultArg r.Fqdn ""
                defaultArg r.Multicast ""
                r.Purpose
                (if r.Required then "required" else "optional")
                r.Owner
                defaultArg r.ConfigKey ""
            ]

    sb.ToString()

/// A camera as the requirements see it: the ports its own addresses use (RTSP and ONVIF), from its URIs.
type CameraPeer =
    {
        Name: string
        Host: string
        RtspPort: int option
        OnvifPort: int option
    }

/// Outbound entries for cameras whose RTSP or ONVIF port is one no footprint entry of the cameras zone covers
/// (a camera on 8554): owner "camera <name>", the camera's host as the peer.
let cameraEntries (cameras: CameraPeer list) (entries: ResolvedEntry list) : ResolvedEntry list =
    let covered port =
        entries
        |> List.exists (fun r ->
            r.Entry.Direction = Outbound
            && r.Entry.Transport = Tcp
            && r.Entry.Zone = ZoneNames.Cameras
            && (let first, last = Footprint.range r.Entry.Port in first <= port && port <= last))

    let entry (c: CameraPeer) port purpose =
        {
            Owner = $"camera {c.Name}"
            Entry =
                {
                    Direction = Outbound
                    Transport = Tcp
                    Port = Port port
                    Zone = ZoneNames.Cameras
                    Fqdn = Some c.Host
                    Purpose = purpose
                    Required = true
                    ConfigKey = None
                    Multicast = None
                    FromConfig = None
                    WhenKey = None
                }
        }

    [
        for c in cameras do
            match c.RtspPort with
            | Some p when p >= 1 && p <= 65535 && not (covered p) ->
                yield entry c p $"RTSP stream of camera {c.Name} (its own port)"
            | _ -> ()

            match c.OnvifPort with
            | Some p when p >= 1 && p <= 65535 && not (covered p) ->
                yield entry c p $"ONVIF services of camera {c.Name} (its own port)"
            | _ -> ()
    ]
    |> List.distinct

/// Who opens a connection and who answers, for IT's "from -> to" columns.
type Endpoints = { From: string; To: string }

/// The row's two ends: a zone with the sources it accepts (`sources`: zone -> ranges; none: any host of the zone),
/// the appliance with its addresses in that zone (`appliance`: zone -> addresses; none: every address), a peer by
/// name or address, a multicast group.
let endpoints
    (sources: Map<string, string list>)
    (appliance: Map<string, string list>)
    (row: RequirementRow)
    : Endpoints =
    let zoneHosts zone =
        match Map.tryFind zone sources with
        | Some(_ :: _ as ranges) -> zone + ": " + String.Join(", ", ranges)
        | _ when zone = ZoneNames.Any -> "any network"
        | _ -> $"{zone}: any host"

    let applianceText =
        match Map.tryFind row.Zone appliance with
        | Some(_ :: _ as addresses) -> "appliance (" + String.Join(", ", addresses) + ")"
        | _ -> "appliance (every address)"

    let group =
        match row.Multicast with
        | Some g -> $" or group {g}"
        | None -> ""

    if row.Direction = Inbound then
        {
            From = zoneHosts row.Zone
            To = applianceText + group
        }
    else
        {
            From = applianceText
            To =
                match row.Fqdn with
                | Some host -> $"{host} ({row.Zone})"
                | None -> zoneHosts row.Zone + group
        }
