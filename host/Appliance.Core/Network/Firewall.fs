/// The firewall compiler: zone policy + resolved footprint -> one nftables `inet appliance` table as text.
/// The rule model comes from FirewallPlan; this module only renders it, deterministically.
module Appliance.Core.Network.Firewall

open System
open System.Text
open Appliance.Core.Manifest
open Appliance.Core.Network.Zones
open Appliance.Core.Network.FirewallPlan

/// The table the appliance owns; nothing else in the ruleset is touched.
[<Literal>]
let TableName = "appliance"

/// Printable ASCII without quotes or backslashes: what an nft comment or a `#` line may hold.
let sanitizeText (text: string) =
    text
    |> String.map (fun c ->
        if c = '"' then '\''
        elif c = '\\' then '/'
        elif c < ' ' || c > '~' then '?'
        else c)

/// nft limits a comment to 128 characters: a longer one is cut at the last word that fits, marked "...".
let sanitizeComment (text: string) =
    let clean = sanitizeText text

    if clean.Length <= 128 then
        clean
    else
        let room = clean.Substring(0, 125)
        let space = room.LastIndexOf ' '
        let cut = if space >= 64 then room.Substring(0, space) else room
        cut.TrimEnd(' ', ',', ';', ':') + "..."

let private comment text = $"comment \"{sanitizeComment text}\""

let private transport =
    function
    | Tcp -> "tcp"
    | Udp -> "udp"

let private dport (p: PortMatch) =
    if p.First = p.Last then
        $"{transport p.Transport} dport {p.First}"
    else
        $"{transport p.Transport} dport {p.First}-{p.Last}"

let private interfaceMatch keyword (names: string list) =
    let quoted = names |> List.map (fun n -> $"\"{n}\"")
    $"{keyword} {{ {joinComma quoted} }}"

let private setMatch field (family: IpFamily option) (sets: string list) =
    match family with
    | None -> []
    | Some f ->
        let proto = if f = V4 then "ip" else "ip6"
        sets |> List.map (fun s -> $"{proto} {field} @{s}")

let private inboundRule (r: InboundRule) =
    let parts =
        [ interfaceMatch "iifname" r.Interfaces ]
        @ setMatch "saddr" r.Family r.SourceSets
        @ [ dport r.Port; "accept" ]

    let scope =
        match r.Management, r.SourceSets |> List.exists (fun s -> s.StartsWith "mgmt_") with
        | true, true -> $"zone {r.Zone}, management sources only"
        | true, false -> $"zone {r.Zone}, management; no managementSources set: any source"
        | false, _ -> $"zone {r.Zone}"

    String.Join(" ", parts) + " " + comment $"{r.Owner}: {r.Purpose} ({scope})"

let private outboundRule (r: OutboundRule) =
    let parts =
        [ interfaceMatch "oifname" r.Interfaces ]
        @ setMatch "daddr" r.Family r.DestinationSets
        @ [ dport r.Port; "accept" ]

    String.Join(" ", parts)
    + " "
    + comment $"{r.Owner}: {r.Purpose} (to zone {r.Zone})"

/// Rules every input chain starts with: state, loopback, the ICMP/ICMPv6 messages IPv4/IPv6 need to work (RFC 4890).
let private inputPreamble =
    [
        "ct state established,related accept "
        + comment "appliance.firewall: replies to connections the appliance made"
        "ct state invalid drop "
        + comment "appliance.firewall: packets conntrack cannot place"
        "iif \"lo\" accept " + comment "appliance.firewall: loopback (zone local)"
        "icmp type { destination-unreachable, time-exceeded, parameter-problem } accept "
        + comment "appliance.firewall: essential ICMP errors (path MTU, unreachable)"
        "icmp type echo-request limit rate 5/second accept "
        + comment "appliance.firewall: ping, rate-limited"
        "icmpv6 type { destination-unreachable, packet-too-big, time-exceeded, parameter-problem } accept "
        + comment "appliance.firewall: essential ICMPv6 errors (RFC 4890)"
        "icmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, nd-redirect } ip6 hoplimit 255 accept "
        + comment "appliance.firewall: IPv6 neighbour discovery, on-link only"
        "icmpv6 type { mld-listener-query, mld-listener-report, mld-listener-done, mld2-listener-report } ip6 saddr fe80::/10 accept "
        + comment "appliance.firewall: multicast listener discovery, link-local only"
        "icmpv6 type echo-request limit rate 5/second accept "
        + comment "appliance.firewall: ping6, rate-limited"
    ]

let private outputPreamble =
    [
        "ct state established,related accept "
        + comment "appliance.firewall: replies and connections already allowed"
        "ct state invalid drop "
        + comment "appliance.firewall: packets conntrack cannot place"
        "oif \"lo\" accept " + comment "appliance.firewall: loopback (zone local)"
        "icmp type { echo-request, destination-unreachable, time-exceeded, parameter-problem } accept "
        + comment "appliance.firewall: ping and ICMP errors"
        "icmpv6 type { echo-request, destination-unreachable, packet-too-big, time-exceeded, parameter-problem, nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert, mld-listener-report, mld-listener-done, mld2-listener-report } accept "
        + comment "appliance.firewall: ping6, ICMPv6 errors, neighbour and multicast listener discovery"
        "meta l4proto { tcp, udp } th dport 53 accept "
        + comment "appliance.firewall: DNS, needed to resolve the FQDN allowlist"
    ]

let private setBlock (s: AddressSet) =
    [
        $"# {sanitizeText s.Purpose}"
        $"set {s.Name} {{"
        "\ttype " + (if s.Family = V4 then "ipv4_addr" else "ipv6_addr")
        "\tflags interval"
        "\tauto-merge"
        if not s.Elements.IsEmpty then
            let elements = s.Elements |> List.map string
            $"\telements = {{ {joinComma elements} }}"
        "}"
    ]

/// Prints a plan as an nft script that atomically replaces the `inet appliance` table.
let render (plan: Plan) : string =
    let sb = StringBuilder()

    let line (indent: int) (text: string) =
        sb.Append('\t', indent).Append(text).Append('\n') |> ignore

    line 0 $"table inet {TableName} {{}}"
    line 0 $"delete table inet {TableName}"
    line 0 "# Generated by the appliance firewall compiler (Appliance.Core.Network.Firewall) from the loaded plugins'"
    line 0 "# network footprints and the zone policy. Do not edit: every apply replaces the whole table atomically."

    for note in plan.Notes do
        line 0 $"# note: {sanitizeText note}"

    line 0 $"table inet {TableName} {{"

    for s in plan.Sets do
        for l in setBlock s do
            line 1 l

    line 1 "chain input {"
    line 2 "type filter hook input priority filter; policy drop;"

    for r in inputPreamble do
        line 2 r

    for r in plan.Input do
        line 2 (inboundRule r)

    line 1 "}"
    line 1 "chain forward {"
    line 2 "type filter hook forward priority filter; policy drop;"
    line 2 "# the appliance routes nothing: cameras reach only the appliance, never another zone"
    line 1 "}"
    line 1 "chain output {"

    match plan.Output with
    | None ->
        line 2 "type filter hook output priority filter; policy accept;"
        line 2 "# outbound allowlist mode is off (zones.outboundAllowlist)"
    | Some rules ->
        line 2 "type filter hook output priority filter; policy drop;"

        for r in outputPreamble do
            line 2 r

        for r in rules do
            line 2 (outboundRule r)

    line 1 "}"
    line 0 "}"
    sb.ToString()

/// Compiles the footprint under the zone policy into nft text, or every error (each naming the culprit).
let compile (policy: ZonePolicy) (entries: ResolvedEntry list) : Result<string, PolicyError list> =
    FirewallPlan.build policy entries |> Result.map render

/// What the plan does not open and why, in full (the ruleset carries the same notes as `# note:` lines).
let notes (policy: ZonePolicy) (entries: ResolvedEntry list) : Result<string list, PolicyError list> =
    FirewallPlan.build policy entries |> Result.map (fun p -> p.Notes)

/// The FQDN sets the refresher must fill (empty unless outbound allowlist mode is on).
let fqdnSets (policy: ZonePolicy) (entries: ResolvedEntry list) : Result<FqdnSet list, PolicyError list> =
    FirewallPlan.build policy entries |> Result.map (fun p -> p.FqdnSets)
