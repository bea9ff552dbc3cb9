/// Property: for random policies and footprints, no accept rule ever opens an inbound port that no entry declares
/// for the zone of the interface it matches. Checked twice: on the rule model, and on the rendered nft text parsed
/// back with an independent reader.
module Appliance.Firewall.Tests.Core.FirewallProperties

open System.Text.RegularExpressions
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Appliance.Core.Manifest
open Appliance.Core.Network
open Appliance.Core.Network.Zones
open Appliance.Core.Network.FirewallPlan

type Scenario =
    {
        Policy: ZonePolicy
        Entries: ResolvedEntry list
    }

let private cidrPool =
    [ "10.0.0.0/24"; "10.1.0.0/16"; "192.168.5.7"; "fd00:1::/64"; "2001:db8::/48" ]

let private zonePool = [ "cameras"; "site"; "uplink"; "lab" ]
let private entryZonePool = zonePool @ [ "any"; "management"; "local" ]

let private portSpecGen =
    Gen.oneof
        [
            Gen.choose (1, 40) |> Gen.map Port
            gen {
                let! first = Gen.choose (1, 40)
                let! width = Gen.choose (0, 5)
                return PortRange(first, first + width)
            }
        ]

let private entryGen =
    gen {
        let! owner = Gen.elements [ "appliance.a"; "appliance.b"; "appliance.c" ]
        let! direction = Gen.elements [ Inbound; Inbound; Outbound ]
        let! transport = Gen.elements [ Tcp; Udp ]
        let! port = portSpecGen
        let! zone = Gen.elements entryZonePool
        let! fqdn = Gen.elements [ None; None; Some "cloud.example.com"; Some "a.example.org" ]

        return
            {
                Owner = owner
                Entry =
                    {
                        Direction = direction
                        Transport = transport
                        Port = port
                        Zone = zone
                        Fqdn = fqdn
                        Purpose = $"purpose {owner}"
                        Required = true
                        ConfigKey = None
                        FromConfig = None
                        WhenKey = None
                        Multicast = None
                    }
            }
    }

let private range (r: ResolvedEntry) =
    match r.Entry.Port with
    | Port p -> p, p
    | PortRange(a, b) -> a, b

/// Keeps entries so that no two plugins overlap on an inbound port (collisions have their own test).
let private withoutCollisions (entries: ResolvedEntry list) =
    entries
    |> List.fold
        (fun kept r ->
            let a1, b1 = range r

            let clash =
                r.Entry.Direction = Inbound
                && kept
                   |> List.exists (fun (k: ResolvedEntry) ->
                       let a2, b2 = range k

                       k.Entry.Direction = Inbound
                       && k.Owner <> r.Owner
                       && k.Entry.Transport = r.Entry.Transport
                       && a1 <= b2
                       && a2 <= b1)

            if clash then kept else kept @ [ r ])
        []

let private scenarioGen =
    gen {
        let! assigned = Gen.listOf (Gen.elements zonePool) |> Gen.map (List.truncate 6)
        let interfaces = assigned |> List.mapi (fun i z -> { Name = $"eth{i}"; Zone = z })
        let! management = Gen.subListOf cidrPool
        let! restricted = Gen.subListOf zonePool
        let! restrictionRanges = Gen.nonEmptyListOf (Gen.elements cidrPool)
        let! allowlist = Gen.elements [ true; false ]
        let! entries = Gen.listOf entryGen

        let config =
            {
                ExtraZones = [ "lab" ]
                Interfaces = interfaces
                ManagementSources = List.ofSeq management
                OutboundAllowlist = allowlist
                SourceRestrictions =
                    restricted
                    |> Seq.map (fun z -> z, List.distinct restrictionRanges)
                    |> List.ofSeq
            }

        match validate config with
        | Ok policy ->
            return
                {
                    Policy = policy
                    Entries = withoutCollisions entries
                }
        | Error e -> return failwithf "generator built an invalid policy: %A" e
    }

type Scenarios =
    static member Scenario() = Arb.fromGen scenarioGen

/// (transport, first, last, management-only) for every inbound port declared for a zone.
let private declaredFor (scenario: Scenario) (zone: string) =
    scenario.Entries
    |> List.filter (fun r -> r.Entry.Direction = Inbound)
    |> List.filter (fun r ->
        r.Entry.Zone = zone
        || ((r.Entry.Zone = ZoneNames.Any || r.Entry.Zone = Management)
            && zone <> ZoneNames.Cameras))
    |> List.map (fun r ->
        let a, b = range r
        r.Entry.Transport, a, b, r.Entry.Zone = Management)

let private covered (declared: (Transport * int * int * bool) list) transport first last allowManagement =
    [ first..last ]
    |> List.forall (fun p ->
        declared
        |> List.exists (fun (t, a, b, m) -> t = transport && a <= p && p <= b && (allowManagement || not m)))

let private zoneOf (scenario: Scenario) name =
    scenario.Policy.Interfaces |> List.find (fun (n, _) -> n = name) |> snd

[<Property(MaxTest = 300, Arbitrary = [| typeof<Scenarios> |])>]
let ``no rule in the model accepts an undeclared inbound port`` (scenario: Scenario) =
    match FirewallPlan.build scenario.Policy scenario.Entries with
    | Error e -> failwithf "collision-free scenario did not compile: %A" e
    | Ok plan ->
        plan.Input
        |> List.forall (fun rule ->
            let managementOk =
                not rule.Management
                || scenario.Policy.ManagementSources.IsEmpty
                || rule.SourceSets |> List.exists (fun s -> s.StartsWith "mgmt_")

            let restrictionOk =
                not (scenario.Policy.SourceRestrictions.ContainsKey rule.Zone)
                || rule.SourceSets |> List.exists (fun s -> s.StartsWith $"zone_{rule.Zone}_")

            managementOk
            && restrictionOk
            && rule.Interfaces
               |> List.forall (fun i ->
                   let zone = zoneOf scenario i

                   zone = rule.Zone
                   && covered (declaredFor scenario zone) rule.Port.Transport rule.Port.First rule.Port.Last true))

let private ruleLine =
    Regex(
        "^iifname \\{ (?<ifs>[^}]*) \\} (?<match>.*?)(?<t>tcp|udp) dport (?<a>\\d+)(-(?<b>\\d+))? accept comment \"[^\"]*\"$"
    )

let private preamble =
    [ "ct state "; "iif \"lo\" accept "; "icmp type "; "icmpv6 type " ]

/// Reads the input chain of rendered text back, independently of the renderer.
let private inputChain (text: string) =
    let lines = text.Split('\n') |> Array.map (fun l -> l.Trim())
    let start = lines |> Array.findIndex (fun l -> l = "chain input {")
    lines |> Array.skip (start + 1) |> Array.takeWhile (fun l -> l <> "}")

[<Property(MaxTest = 300, Arbitrary = [| typeof<Scenarios> |])>]
let ``no rendered accept rule opens an undeclared inbound port`` (scenario: Scenario) =
    match Firewall.compile scenario.Policy scenario.Entries with
    | Error e -> failwithf "collision-free scenario did not compile: %A" e
    | Ok text ->
        inputChain text
        |> Array.filter (fun l -> l.Length > 0 && not (l.StartsWith "#") && not (l.StartsWith "type filter hook"))
        |> Array.forall (fun line ->
            if preamble |> List.exists line.StartsWith then
                not (line.Contains "dport") && not (line.Contains "iifname")
            else
                let m = ruleLine.Match line

                m.Success
                && (let transport = if m.Groups.["t"].Value = "tcp" then Tcp else Udp
                    let first = int m.Groups.["a"].Value

                    let last =
                        if m.Groups.["b"].Success then
                            int m.Groups.["b"].Value
                        else
                            first

                    let sourceMatch = m.Groups.["match"].Value

                    let interfaces =
                        m.Groups.["ifs"].Value.Split(',', System.StringSplitOptions.TrimEntries)
                        |> Array.map (fun s -> s.Trim('"'))

                    let managementAllowed =
                        sourceMatch.Contains "@mgmt_" || scenario.Policy.ManagementSources.IsEmpty

                    interfaces
                    |> Array.forall (fun i ->
                        let zone = zoneOf scenario i

                        let restrictionOk =
                            not (scenario.Policy.SourceRestrictions.ContainsKey zone)
                            || sourceMatch.Contains $"@zone_{zone}_"

                        restrictionOk
                        && covered (declaredFor scenario zone) transport first last managementAllowed)))

[<Property(MaxTest = 200, Arbitrary = [| typeof<Scenarios> |])>]
let ``every inbound entry for an interfaced zone gets a rule`` (scenario: Scenario) =
    match FirewallPlan.build scenario.Policy scenario.Entries with
    | Error e -> failwithf "%A" e
    | Ok plan ->
        scenario.Entries
        |> List.filter (fun r -> r.Entry.Direction = Inbound)
        |> List.forall (fun r ->
            let zones =
                targetZones scenario.Policy Inbound r.Entry.Zone
                |> List.filter (fun z -> not (interfacesOf scenario.Policy z).IsEmpty)

            zones
            |> List.forall (fun z ->
                let expectRule =
                    // with source sets, a rule exists only for families where every set has ranges
                    let groups =
                        (if r.Entry.Zone = Management && not scenario.Policy.ManagementSources.IsEmpty then
                             [ scenario.Policy.ManagementSources ]
                         else
                             [])
                        @ (Map.tryFind z scenario.Policy.SourceRestrictions |> Option.toList)

                    groups.IsEmpty
                    || [ V4; V6 ]
                       |> List.exists (fun f -> groups |> List.forall (List.exists (fun c -> c.Family = f)))

                let a, b = range r

                let has =
                    plan.Input
                    |> List.exists (fun rule ->
                        // an owner may declare the same port twice (say for zone any and for management): the rule
                        // found must be this entry's, not the other's
                        rule.Zone = z
                        && rule.Owner = r.Owner
                        && rule.Port.Transport = r.Entry.Transport
                        && rule.Management = (r.Entry.Zone = Management)
                        && rule.Purpose = r.Entry.Purpose
                        && rule.Port.First = a
                        && rule.Port.Last = b)

                has = expectRule))

[<Xunit.Fact>]
let ``the generator is not vacuous: most scenarios open ports`` () =
    let samples = Gen.sampleWithSize 30 200 scenarioGen

    let withRules =
        samples
        |> Array.filter (fun s ->
            match FirewallPlan.build s.Policy s.Entries with
            | Ok plan -> plan.Input.Length >= 2
            | Error _ -> false)

    Xunit.Assert.True(
        withRules.Length >= 100,
        $"only {withRules.Length} of 200 scenarios produced at least two inbound rules"
    )

let private collisionGen =
    gen {
        let! scenario = scenarioGen
        let! transport = Gen.elements [ Tcp; Udp ]
        let! first = Gen.choose (1000, 1100)
        let! width = Gen.choose (0, 10)
        let! offset = Gen.choose (0, width)
        let! zoneA = Gen.elements entryZonePool
        let! zoneB = Gen.elements entryZonePool

        let a =
            Appliance.Firewall.Tests.Policies.inbound
                "appliance.first"
                transport
                (PortRange(first, first + width))
                zoneA
                "first"

        let b =
            Appliance.Firewall.Tests.Policies.inbound "appliance.second" transport (Port(first + offset)) zoneB "second"

        return scenario, a, b
    }

[<Property(MaxTest = 200)>]
let ``two plugins on one inbound port never compile, and the error names both`` () =
    Prop.forAll (Arb.fromGen collisionGen) (fun (scenario, a, b) ->
        match Firewall.compile scenario.Policy (scenario.Entries @ [ a; b ]) with
        | Ok _ -> false
        | Error errors ->
            errors
            |> List.exists (fun e ->
                e.Message.Contains "port collision"
                && e.Message.Contains "\"appliance.first\""
                && e.Message.Contains "\"appliance.second\""))
