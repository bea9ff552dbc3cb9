/// The typed firewall model: footprint + zone policy -> the rules the appliance needs, before any nft text exists.
/// Rendering (Firewall.fs) only prints this model, so properties can be checked on rules, not on strings.
module Appliance.Core.Network.FirewallPlan

open System
open Appliance.Core.Manifest
open Appliance.Core.Network.Zones

/// A destination port or inclusive range for one transport.
type PortMatch =
    {
        Transport: Transport
        First: int
        Last: int
    }

/// Accept inbound traffic on the interfaces of one zone to one declared port.
type InboundRule =
    {
        Zone: string
        Interfaces: string list
        /// Some family when the rule matches source sets (they are per family); None = both families.
        Family: IpFamily option
        /// Every set must hold the source address (management sources, the zone's source restriction).
        SourceSets: string list
        Port: PortMatch
        Owner: string
        Purpose: string
        Management: bool
    }

/// Accept outbound traffic (allowlist mode) through the interfaces of one zone to one declared port.
type OutboundRule =
    {
        Zone: string
        Interfaces: string list
        Family: IpFamily option
        /// The destination must be in every set (FQDN addresses, management sources).
        DestinationSets: string list
        Port: PortMatch
        Owner: string
        Purpose: string
    }

/// A named address set with its fixed elements (FQDN sets start empty and are filled by the refresher).
type AddressSet =
    {
        Name: string
        Family: IpFamily
        Elements: Cidr list
        Purpose: string
    }

/// The two sets that hold the resolved addresses of one FQDN.
type FqdnSet =
    {
        Fqdn: string
        SetV4: string
        SetV6: string
        Owners: string list
    }

type Plan =
    {
        Sets: AddressSet list
        Input: InboundRule list
        /// None: outbound traffic is not filtered. Some rules: allowlist mode.
        Output: OutboundRule list option
        FqdnSets: FqdnSet list
        /// Entries that produced no rule, and why (e.g. a zone without interfaces).
        Notes: string list
    }

let private transportName =
    function
    | Tcp -> "tcp"
    | Udp -> "udp"

let portText (p: PortMatch) =
    if p.First = p.Last then
        $"{transportName p.Transport} {p.First}"
    else
        $"{transportName p.Transport} {p.First}-{p.Last}"

let private portOf (entry: FootprintEntry) =
    match entry.Port with
    | Port p ->
        {
            Transport = entry.Transport
            First = p
            Last = p
        }
    | PortRange(a, b) ->
        {
            Transport = entry.Transport
            First = a
            Last = b
        }

let private overlaps (a: PortMatch) (b: PortMatch) =
    a.Transport = b.Transport && a.First <= b.Last && b.First <= a.Last

/// RFC 1123 host name, lower case, no wildcard, no trailing dot.
let isValidFqdn (name: string) =
    name.Length >= 1
    && name.Length <= 253
    && name.Contains '.'
    && name.Split '.'
       |> Array.forall (fun label ->
           label.Length >= 1
           && label.Length <= 63
           && label.[0] <> '-'
           && label.[label.Length - 1] <> '-'
           && label
              |> Seq.forall (fun c -> Char.IsAsciiLetterLower c || Char.IsAsciiDigit c || c = '-'))

/// FNV-1a, 32 bits: a stable short suffix for set names.
let private fnv (s: string) =
    let mutable h = 2166136261u

    for c in s do
        h <- (h ^^^ uint32 c) * 16777619u

    h.ToString "x8"

/// Set names for FQDNs: "fqdn_<name>_v4"; a hash suffix when the name was shortened or two names collide.
let private fqdnSetNames (fqdns: string list) =
    let basis (f: string) =
        let s =
            f
            |> String.map (fun c ->
                if Char.IsAsciiLetterLower c || Char.IsAsciiDigit c then
                    c
                else
                    '_')

        if s.Length > 48 then s.Substring(0, 48), true else s, false

    let bases = fqdns |> List.map (fun f -> f, basis f)

    bases
    |> List.map (fun (f, (b, shortened)) ->
        let collides = bases |> List.exists (fun (g, (c, _)) -> g <> f && c = b)
        let name = if shortened || collides then $"{b}_{fnv f}" else b
        f, $"fqdn_{name}")

/// An IP address in canonical form (a configured target given by address): its set holds just that address.
let private isAddressLiteral (text: string) =
    match Net.IPAddress.TryParse text with
    | true, NonNull a -> a.ToString() = text
    | _ -> false

let private entryErrors (policy: ZonePolicy) (index: Map<ResolvedEntry, string>) (r: ResolvedEntry) =
    let path = index.[r]
    let e = r.Entry

    let portError =
        match e.Port with
        | Port p when p < 1 || p > 65535 ->
            Some $"port {p} is not a TCP/UDP port (1-65535); the firewall cannot open it"
        | PortRange(a, b) when a < 1 || b > 65535 || a > b ->
            Some $"port range {a}-{b} is not a valid range within 1-65535"
        | _ -> None

    let zoneError =
        if isKnownZone policy e.Zone then
            None
        else
            Some $"zone {quote e.Zone} is not a defined zone (defined: {joinComma (policy.Zones @ pseudoZones)})"

    let ownerError =
        if String.IsNullOrWhiteSpace r.Owner then
            Some "the entry has no owning plugin"
        else
            None

    let fqdnError =
        match e.Direction, e.Fqdn with
        | Outbound, Some f when policy.OutboundAllowlist && not (isValidFqdn f || isAddressLiteral f) ->
            Some
                $"FQDN {quote f} is not a host name that can be resolved into an allowlist set (lower-case labels, no wildcard)"
        | _ -> None

    [ portError; zoneError; ownerError; fqdnError ]
    |> List.choose id
    |> List.map (fun m -> { Path = path; Message = m })

let private collisions (index: Map<ResolvedEntry, string>) (entries: ResolvedEntry list) =
    let inbound =
        entries |> List.filter (fun r -> r.Entry.Direction = Inbound) |> List.toArray

    [
        for i in 0 .. inbound.Length - 1 do
            for j in i + 1 .. inbound.Length - 1 do
                let a, b = inbound.[i], inbound.[j]
                let pa, pb = portOf a.Entry, portOf b.Entry

                if a.Owner <> b.Owner && overlaps pa pb then
                    {
                        Path = index.[b]
                        Message =
                            $"port collision: {portText pb} is declared inbound by both {quote a.Owner} ({a.Entry.Purpose}) and {quote b.Owner} ({b.Entry.Purpose}); two plugins cannot listen on one port"
                    }
    ]
    |> List.distinctBy (fun e -> e.Message)

/// The zones an entry reaches: its own, or for "any"/"management" every zone but cameras (inbound) / every zone (outbound).
let targetZones (policy: ZonePolicy) (direction: Direction) (zone: string) =
    match zone with
    | ZoneNames.Local -> []
    | Management -> policy.Zones |> List.filter (fun z -> z <> ZoneNames.Cameras)
    | ZoneNames.Any when direction = Inbound -> policy.Zones |> List.filter (fun z -> z <> ZoneNames.Cameras)
    | ZoneNames.Any -> policy.Zones
    | z -> [ z ]

let private setName prefix family =
    match family with
    | V4 -> $"{prefix}_v4"
    | V6 -> $"{prefix}_v6"

let private ofFamily family (ranges: Cidr list) =
    ranges |> List.filter (fun c -> c.Family = family)

/// Rules for one (entry, zone): one family-agnostic rule, or one rule per family whose every set has elements.
let private constrained (groups: (string * Cidr list) list) : (IpFamily option * string list) list =
    if groups.IsEmpty then
        [ None, [] ]
    else
        [ V4; V6 ]
        |> List.filter (fun f -> groups |> List.forall (fun (_, ranges) -> not (ofFamily f ranges).IsEmpty))
        |> List.map (fun f -> Some f, groups |> List.map (fun (prefix, _) -> setName prefix f))

let private zoneRank (policy: ZonePolicy) (zone: string) =
    match List.tryFindIndex ((=) zone) (policy.Zones @ pseudoZones) with
    | Some i -> i
    | None -> Int32.MaxValue

/// Each entry's path for error messages: network.<owner>[i], counted per owner.
let private entryIndex (entries: ResolvedEntry list) =
    entries
    |> List.groupBy (fun r -> r.Owner)
    |> List.collect (fun (owner, rs) ->
        let name =
            if String.IsNullOrWhiteSpace owner then
                "(no owner)"
            else
                owner

        rs |> List.mapi (fun i r -> r, $"network.{name}[{i}]"))
    |> Map.ofList

/// The order rules are written in: by zone (as the policy lists them), transport, port, owner, purpose.
let private sortedForRules (policy: ZonePolicy) (entries: ResolvedEntry list) =
    entries
    |> List.sortBy (fun r ->
        let p = portOf r.Entry
        zoneRank policy r.Entry.Zone, p.Transport, p.First, p.Last, r.Owner, r.Entry.Purpose)

let private managementGroup (policy: ZonePolicy) =
    if policy.ManagementSources.IsEmpty then
        []
    else
        [ "mgmt", policy.ManagementSources ]

let private restrictionGroup (policy: ZonePolicy) zone =
    match Map.tryFind zone policy.SourceRestrictions with
    | Some ranges -> [ $"zone_{zone}", ranges ]
    | None -> []

/// The zones an entry reaches that have interfaces, with those interfaces.
let private zonesWithInterfaces (policy: ZonePolicy) direction (r: ResolvedEntry) =
    targetZones policy direction r.Entry.Zone
    |> List.choose (fun z ->
        match interfacesOf policy z with
        | [] -> None
        | interfaces -> Some(z, interfaces))

/// What the plan does not open and why (loopback-only, zone without interface), and an empty managementSources.
let private planNotes (policy: ZonePolicy) (sorted: ResolvedEntry list) =
    let notes =
        [
            for r in sorted do
                let direction =
                    if r.Entry.Direction = Inbound then
                        "inbound"
                    else
                        "outbound"

                let what = $"{r.Owner}: {portText (portOf r.Entry)} {direction} ({r.Entry.Purpose})"

                if r.Entry.Zone = ZoneNames.Local then
                    $"{what} is loopback-only; no rule needed"
                elif
                    (zonesWithInterfaces policy r.Entry.Direction r).IsEmpty
                    && (r.Entry.Direction = Inbound || policy.OutboundAllowlist)
                then
                    $"{what} is for zone {r.Entry.Zone}, which has no interface; not opened"
            if
                policy.ManagementSources.IsEmpty
                && sorted
                   |> List.exists (fun r -> r.Entry.Direction = Inbound && r.Entry.Zone = Management)
            then
                "zones.managementSources is empty: management ports accept any source in every zone but cameras"
        ]

    notes |> List.distinct

/// Inbound rules: per entry and reached zone, constrained by management sources and the zone's source restriction.
let private inboundRules (policy: ZonePolicy) (sorted: ResolvedEntry list) : InboundRule list =
    sorted
    |> List.filter (fun r -> r.Entry.Direction = Inbound)
    |> List.collect (fun r ->
        let isManagement = r.Entry.Zone = Management

        zonesWithInterfaces policy Inbound r
        |> List.collect (fun (zone, interfaces) ->
            constrained (
                (if isManagement then managementGroup policy else [])
                @ restrictionGroup policy zone
            )
            |> List.map (fun (family, sets) ->
                {
                    Zone = zone
                    Interfaces = interfaces
                    Family = family
                    SourceSets = sets
                    Port = portOf r.Entry
                    Owner = r.Owner
                    Purpose = r.Entry.Purpose
                    Management = isManagement
                })))

/// The FQDNs outbound entries name (allowlist mode only), sorted, each with its owners.
let private allowlistedFqdns (policy: ZonePolicy) (sorted: ResolvedEntry list) =
    if policy.OutboundAllowlist then
        sorted
        |> List.filter (fun r -> r.Entry.Direction = Outbound && r.Entry.Zone <> ZoneNames.Local)
        |> List.choose (fun r -> r.Entry.Fqdn |> Option.map (fun f -> f, r.Owner))
        |> List.groupBy fst
        |> List.sortBy fst
        |> List.map (fun (f, owners) -> f, owners |> List.map snd |> List.distinct)
    else
        []

/// Outbound rules (allowlist mode only; None otherwise): to an FQDN's address sets, the management sources, or anywhere.
let private outboundRules
    (policy: ZonePolicy)
    (names: Map<string, string>)
    (sorted: ResolvedEntry list)
    : OutboundRule list option =
    if not policy.OutboundAllowlist then
        None
    else
        sorted
        |> List.filter (fun r -> r.Entry.Direction = Outbound && r.Entry.Zone <> ZoneNames.Local)
        |> List.collect (fun r ->
            let destination =
                match r.Entry.Fqdn with
                | Some f -> [ Some V4, [ setName names.[f] V4 ]; Some V6, [ setName names.[f] V6 ] ]
                | None when r.Entry.Zone = Management -> constrained (managementGroup policy)
                | None -> [ None, [] ]

            zonesWithInterfaces policy Outbound r
            |> List.collect (fun (zone, interfaces) ->
                destination
                |> List.map (fun (family, sets) ->
                    {
                        Zone = zone
                        Interfaces = interfaces
                        Family = family
                        DestinationSets = sets
                        Port = portOf r.Entry
                        Owner = r.Owner
                        Purpose = r.Entry.Purpose
                    })))
        |> Some

/// The sets the policy fills: management sources and each zone's source restriction, per family with elements.
let private fixedSets (policy: ZonePolicy) : AddressSet list =
    [
        for family in [ V4; V6 ] do
            match ofFamily family policy.ManagementSources with
            | [] -> ()
            | ranges ->
                {
                    Name = setName "mgmt" family
                    Family = family
                    Elements = ranges
                    Purpose = "management sources (zones.managementSources)"
                }
        for zone in policy.Zones do
            match Map.tryFind zone policy.SourceRestrictions with
            | Some ranges ->
                for family in [ V4; V6 ] do
                    match ofFamily family ranges with
                    | [] -> ()
                    | rs ->
                        {
                            Name = setName $"zone_{zone}" family
                            Family = family
                            Elements = rs
                            Purpose = $"sources allowed in zone {zone} (zones.sourceRestrictions.{zone})"
                        }
            | None -> ()
    ]

/// The empty sets the FQDN refresher fills with each allowlisted name's addresses.
let private fqdnAddressSets (fqdnSets: FqdnSet list) : AddressSet list =
    fqdnSets
    |> List.collect (fun s ->
        [
            {
                Name = s.SetV4
                Family = V4
                Elements = []
                Purpose = $"addresses of {s.Fqdn}, filled by the FQDN refresher"
            }
            {
                Name = s.SetV6
                Family = V6
                Elements = []
                Purpose = $"addresses of {s.Fqdn}, filled by the FQDN refresher"
            }
        ])

/// Builds the rule model. Errors: invalid entries, unknown zones, port collisions between plugins.
let build (policy: ZonePolicy) (entries: ResolvedEntry list) : Result<Plan, PolicyError list> =
    let entries = List.distinct entries
    let index = entryIndex entries

    match (entries |> List.collect (entryErrors policy index)) @ collisions index entries with
    | _ :: _ as errors -> Error errors
    | [] ->
        let sorted = sortedForRules policy entries
        let fqdns = allowlistedFqdns policy sorted
        let names = fqdnSetNames (fqdns |> List.map fst) |> Map.ofList

        let fqdnSets =
            fqdns
            |> List.map (fun (f, owners) ->
                {
                    Fqdn = f
                    SetV4 = setName names.[f] V4
                    SetV6 = setName names.[f] V6
                    Owners = owners
                })

        Ok
            {
                Sets = fixedSets policy @ fqdnAddressSets fqdnSets
                Input = inboundRules policy sorted
                Output = outboundRules policy names sorted
                FqdnSets = fqdnSets
                Notes = planNotes policy sorted
            }
