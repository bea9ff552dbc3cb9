/// Zone policy: which interface belongs to which zone, who may reach management ports, per-zone source ranges,
/// and whether outbound traffic is allow-listed. Parsed and validated here; compiled to nftables in Firewall.fs.
module Appliance.Core.Network.Zones

open System
open System.Net
open System.Net.Sockets
open System.Text.Json

/// A configuration or compile error: where (a dotted JSON path, e.g. "zones.interfaces[1].zone") and a sentence.
type PolicyError =
    {
        Path: string
        Message: string
    }

    override this.ToString() =
        if this.Path = "" then
            this.Message
        else
            $"{this.Path}: {this.Message}"

type IpFamily =
    | V4
    | V6

/// A validated address range with host bits cleared: Network is the canonical text ("10.1.0.0", "fd00::").
type Cidr =
    {
        Family: IpFamily
        Network: string
        PrefixLength: int
    }

    override this.ToString() = $"{this.Network}/{this.PrefixLength}"

/// Pseudo-zone for management ports (portal 443/80, API): reachable only from ManagementSources, on every
/// zone except cameras. A footprint entry names it as its zone.
[<Literal>]
let Management = "management"

/// The zones every appliance has; installers may add more with "extraZones".
let wellKnown = [ ZoneNames.Cameras; ZoneNames.Site; ZoneNames.Uplink ]

/// Names an entry may use besides the defined zones.
let pseudoZones = [ ZoneNames.Any; ZoneNames.Local; Management ]

/// One interface assigned to one zone, as configured.
type InterfaceAssignment = { Name: string; Zone: string }

/// The zone configuration as written by the installer (strings unchecked).
type ZoneConfig =
    {
        ExtraZones: string list
        Interfaces: InterfaceAssignment list
        ManagementSources: string list
        OutboundAllowlist: bool
        /// Per zone: the only source ranges accepted inbound on that zone's interfaces.
        SourceRestrictions: (string * string list) list
    }

/// A validated zone policy.
type ZonePolicy =
    {
        /// Defined zones in order: cameras, site, uplink, then extra zones.
        Zones: string list
        /// Interface name -> zone, in configured order.
        Interfaces: (string * string) list
        ManagementSources: Cidr list
        OutboundAllowlist: bool
        SourceRestrictions: Map<string, Cidr list>
    }

let emptyConfig =
    {
        ExtraZones = []
        Interfaces = []
        ManagementSources = []
        OutboundAllowlist = false
        SourceRestrictions = []
    }

/// "a, b, c" (used inside interpolated messages).
let joinComma (items: string seq) = String.Join(", ", items)

let private maxListLength = 256
let private maxTextLength = 100

/// A user-supplied string for an error message: quoted, control characters replaced, at most 60 characters.
let quote (s: string) =
    let clean = s |> String.map (fun c -> if Char.IsControl c then '?' else c)

    let shown =
        if clean.Length > 60 then
            clean.Substring(0, 60) + "..."
        else
            clean

    "\"" + shown + "\""

module Cidr =
    let private isDigits (s: string) =
        s.Length > 0 && s |> Seq.forall Char.IsAsciiDigit

    let private parseV4 (s: string) : byte[] option =
        let parts = s.Split '.'

        let octet (p: string) =
            if isDigits p && p.Length <= 3 && (p.Length = 1 || p.[0] <> '0') then
                let v = int p
                if v <= 255 then Some(byte v) else None
            else
                None

        if parts.Length <> 4 then
            None
        else
            let bytes = parts |> Array.map octet

            if bytes |> Array.forall Option.isSome then
                Some(bytes |> Array.map Option.get)
            else
                None

    let private parseV6 (s: string) : byte[] option =
        if s.Contains ':' && not (s.Contains '%') then
            match IPAddress.TryParse s with
            | true, Null -> None
            | true, NonNull a when a.AddressFamily = AddressFamily.InterNetworkV6 && not a.IsIPv4MappedToIPv6 ->
                Some(a.GetAddressBytes())
            | _ -> None
        else
            None

    let private mask (bytes: byte[]) (prefix: int) =
        bytes
        |> Array.mapi (fun i b ->
            let keep = min 8 (max 0 (prefix - i * 8))
            let m = if keep = 0 then 0uy else byte (0xFF <<< (8 - keep))
            b &&& m)

    /// "10.0.0.0/24", "fd00::/64", or a single address (taken as /32 or /128). Host bits are cleared.
    let tryParse (text: string) : Cidr option =
        if text.Length = 0 || text.Length > maxTextLength then
            None
        else
            let addressText, prefixText =
                match text.IndexOf '/' with
                | -1 -> text, None
                | i -> text.Substring(0, i), Some(text.Substring(i + 1))

            let build family (bytes: byte[]) maxPrefix =
                let prefix =
                    match prefixText with
                    | None -> Some maxPrefix
                    | Some p when
                        isDigits p
                        && p.Length <= 3
                        && (p.Length = 1 || p.[0] <> '0')
                        && int p <= maxPrefix
                        ->
                        Some(int p)
                    | Some _ -> None

                prefix
                |> Option.map (fun p ->
                    {
                        Family = family
                        Network = IPAddress(mask bytes p).ToString()
                        PrefixLength = p
                    })

            match parseV4 addressText with
            | Some b -> build V4 b 32
            | None ->
                match parseV6 addressText with
                | Some b -> build V6 b 128
                | None -> None

    /// True when the range holds the address (families must match).
    let contains (range: Cidr) (address: IPAddress) =
        let familyOf =
            if address.AddressFamily = AddressFamily.InterNetwork then
                V4
            else
                V6

        familyOf = range.Family
        && (let network = IPAddress.Parse(range.Network).GetAddressBytes()
            mask (address.GetAddressBytes()) range.PrefixLength = network)

let private isZoneName (s: string) =
    s.Length >= 1
    && s.Length <= 24
    && Char.IsAsciiLetterLower s.[0]
    && s
       |> Seq.forall (fun c -> Char.IsAsciiLetterLower c || Char.IsAsciiDigit c || c = '_')

/// Linux interface names are at most 15 bytes; we also keep them safe to quote in nft text.
let private interfaceNameProblem (s: string) =
    if s.Length = 0 then
        Some "is empty; name the network interface (e.g. \"eth0\")"
    elif s.Length > 15 then
        Some $"{quote s} is longer than 15 characters, the Linux limit for an interface name"
    elif s = "." || s = ".." then
        Some $"{quote s} is not an interface name"
    elif
        not (
            s
            |> Seq.forall (fun c -> Char.IsAsciiLetterOrDigit c || c = '_' || c = '-' || c = '.' || c = '@')
        )
    then
        Some $"{quote s} contains characters not allowed in an interface name (letters, digits, '_', '-', '.', '@')"
    else
        None

let private tooMany path count =
    {
        Path = path
        Message = $"lists {count} items, more than the {maxListLength} allowed"
    }

let private cidrs path (items: string list) =
    let parsed =
        items
        |> List.truncate maxListLength
        |> List.mapi (fun i s ->
            match Cidr.tryParse s with
            | Some c -> Ok c
            | None when s.Contains "::ffff:" ->
                Error
                    {
                        Path = $"{path}[{i}]"
                        Message = $"{quote s} is an IPv4-mapped IPv6 range; write the IPv4 range instead"
                    }
            | None ->
                Error
                    {
                        Path = $"{path}[{i}]"
                        Message = $"{quote s} is not a CIDR range"
                    })

    let errors =
        (if items.Length > maxListLength then
             [ tooMany path items.Length ]
         else
             [])
        @ (parsed
           |> List.choose (function
               | Error e -> Some e
               | Ok _ -> None))

    let ranges =
        parsed
        |> List.choose (function
            | Ok c -> Some c
            | Error _ -> None)
        |> List.distinct

    ranges, errors

/// Checks a configuration; returns every error, each with its path ("zones.interfaces[1].zone").
let validate (config: ZoneConfig) : Result<ZonePolicy, PolicyError list> =
    let extraErrors =
        config.ExtraZones
        |> List.mapi (fun i z ->
            let path = $"zones.extraZones[{i}]"

            if not (isZoneName z) then
                Some
                    {
                        Path = path
                        Message =
                            $"{quote z} is not a zone name (lower-case letters, digits, '_', at most 24, starting with a letter)"
                    }
            elif List.contains z pseudoZones then
                Some
                    {
                        Path = path
                        Message = $"{quote z} is reserved and cannot be defined as a zone"
                    }
            elif List.contains z wellKnown || List.contains z (List.take i config.ExtraZones) then
                Some
                    {
                        Path = path
                        Message = $"{quote z} is already defined"
                    }
            else
                None)
        |> List.choose id

    let zones =
        wellKnown
        @ (config.ExtraZones
           |> List.filter isZoneName
           |> List.filter (fun z -> not (List.contains z pseudoZones)))
        |> List.distinct

    let undefined (z: string) =
        $"{quote z} is not a defined zone (defined: {joinComma zones})"

    let interfaceErrors =
        let listed = config.Interfaces |> List.truncate maxListLength

        (if config.Interfaces.Length > maxListLength then
             [ tooMany "zones.interfaces" config.Interfaces.Length ]
         else
             [])
        @ (listed
           |> List.mapi (fun i a ->
               let path = $"zones.interfaces[{i}]"

               let nameError =
                   match interfaceNameProblem a.Name with
                   | Some m -> Some { Path = $"{path}.name"; Message = m }
                   | None ->
                       listed
                       |> List.take i
                       |> List.tryFindIndex (fun b -> b.Name = a.Name)
                       |> Option.map (fun j ->
                           let other = listed.[j]

                           if other.Zone = a.Zone then
                               {
                                   Path = $"{path}.name"
                                   Message = $"{quote a.Name} is listed twice (also zones.interfaces[{j}])"
                               }
                           else
                               {
                                   Path = $"{path}.name"
                                   Message =
                                       $"{quote a.Name} is already assigned to zone {quote other.Zone} (zones.interfaces[{j}]); an interface belongs to one zone"
                               })

               let zoneError =
                   if List.contains a.Zone zones then
                       None
                   else
                       Some
                           {
                               Path = $"{path}.zone"
                               Message = undefined a.Zone
                           }

               [ nameError; zoneError ] |> List.choose id)
           |> List.concat)

    let management, managementErrors =
        cidrs "zones.managementSources" config.ManagementSources

    let restrictionResults =
        config.SourceRestrictions
        |> List.map (fun (zone, items) ->
            let path = $"zones.sourceRestrictions.{zone}"
            let ranges, errors = cidrs path items

            let zoneErrors =
                if List.contains zone zones then
                    []
                else
                    [
                        {
                            Path = path
                            Message = undefined zone
                        }
                    ]

            let emptyErrors =
                if items.IsEmpty then
                    [
                        {
                            Path = path
                            Message = "is empty; list the source ranges allowed in this zone, or remove the entry"
                        }
                    ]
                else
                    []

            (zone, ranges), zoneErrors @ emptyErrors @ errors)

    let restrictionErrors = restrictionResults |> List.collect snd

    let duplicateRestrictionErrors =
        config.SourceRestrictions
        |> List.countBy fst
        |> List.filter (fun (_, n) -> n > 1)
        |> List.map (fun (z, _) ->
            {
                Path = $"zones.sourceRestrictions.{z}"
                Message = "is given more than once"
            })

    match
        extraErrors
        @ interfaceErrors
        @ managementErrors
        @ restrictionErrors
        @ duplicateRestrictionErrors
    with
    | [] ->
        Ok
            {
                Zones = zones
                Interfaces = config.Interfaces |> List.map (fun a -> a.Name, a.Zone)
                ManagementSources = management
                OutboundAllowlist = config.OutboundAllowlist
                SourceRestrictions = restrictionResults |> List.map fst |> Map.ofList
            }
    | errors -> Error errors

/// The interfaces assigned to a zone, in configured order.
let interfacesOf (policy: ZonePolicy) (zone: string) =
    policy.Interfaces |> List.filter (fun (_, z) -> z = zone) |> List.map fst

/// True for a defined zone or a pseudo-zone ("any", "local", "management").
let isKnownZone (policy: ZonePolicy) (zone: string) =
    List.contains zone policy.Zones || List.contains zone pseudoZones
