/// Property: whatever an installer configures, the firewall accepts no port that the resolved footprint does not
/// list, and the resolved footprint lists no port that is neither declared by the manifest nor configured.
module Appliance.Core.Tests.ConfiguredFootprintProperties

open System
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Appliance.Core.Manifest
open Appliance.Core.Network
open Appliance.Core.Network.Zones
open Appliance.Core.Tests.TestData

let private hostGen =
    Gen.elements
        [
            "vms1.site.example"
            "VMS2.site.example"
            "10.0.0.9"
            "fd00::7"
            "x"
            ""
            "bad host"
            "a..b"
        ]

let private portValueGen =
    Gen.oneof
        [
            Gen.choose (1, 65535) |> Gen.map string
            Gen.elements [ "0"; "70000"; "-1"; "\"443\""; "1.5"; "null" ]
        ]

let private targetGen =
    gen {
        let! host = hostGen
        let! port = portValueGen
        let! transport = Gen.elements [ None; Some "tcp"; Some "udp"; Some "sctp" ]
        let! withHost = Gen.frequency [ 9, Gen.constant true; 1, Gen.constant false ]
        let! withPort = Gen.elements [ true; true; false ]

        let fields =
            [
                if withHost then
                    yield $"\"host\": \"{host}\""
                if withPort then
                    yield $"\"port\": {port}"
                match transport with
                | Some t -> yield $"\"transport\": \"{t}\""
                | None -> ()
            ]

        return "{" + String.Join(", ", fields) + "}"
    }

let private rangeGen =
    gen {
        let! a = Gen.choose (0, 70000)
        let! width = Gen.choose (-3, 50)
        let! form = Gen.elements [ 0; 1; 2 ]

        return
            match form with
            | 0 -> $"{a}-{a + width}"
            | 1 -> string a
            | _ -> "ports"
    }

/// A configuration section for the VMS manifest: targets, cloud host, RTP range, in valid and invalid shapes.
let private sectionGen =
    gen {
        let! targets = Gen.listOf targetGen |> Gen.map (List.truncate 6)
        let! cloud = hostGen
        let! range = rangeGen

        return
            $"""{{"servers": [{String.Join(", ", targets)}], "cloud": {{"host": "{cloud}"}}, "rtp": {{"ports": "{range}"}}}}"""
    }

let private policy =
    match
        validate
            { emptyConfig with
                Interfaces =
                    [
                        { Name = "eth0"; Zone = "site" }
                        { Name = "eth1"; Zone = "uplink" }
                        { Name = "eth2"; Zone = "cameras" }
                    ]
                OutboundAllowlist = true
            }
    with
    | Ok p -> p
    | Error e -> failwithf "%A" e

let private within (ports: (Transport * int * int) list) (t: Transport) (first: int) (last: int) =
    [ first..last ]
    |> List.forall (fun p -> ports |> List.exists (fun (t2, a, b) -> t2 = t && a <= p && p <= b))

let private span (e: FootprintEntry) =
    match e.Port with
    | Port p -> e.Transport, p, p
    | PortRange(a, b) -> e.Transport, a, b

[<Property(MaxTest = 400)>]
let ``no configuration yields an accept rule for a port the resolved footprint does not list`` () =
    let manifest = parseOk SurfaceManifestTests.vmsManifestJson

    Prop.forAll (Arb.fromGen sectionGen) (fun section ->
        match ConfigSchema.resolve manifest.Config (Some(json section)) with
        | Error _ -> true // refused by the schema: nothing is opened
        | Ok config ->
            let checkedEntries = Footprint.resolveChecked manifest config
            // The total resolution (what the requirements page shows for a refused configuration) is held to the same promise.
            let candidates =
                [
                    match checkedEntries with
                    | Ok es -> yield es
                    | Error _ -> ()
                    yield Footprint.resolve manifest config
                ]

            candidates
            |> List.forall (fun entries ->
                let inbound =
                    entries
                    |> List.filter (fun r -> r.Entry.Direction = Inbound)
                    |> List.map (fun r -> span r.Entry)

                let outbound =
                    entries
                    |> List.filter (fun r -> r.Entry.Direction = Outbound)
                    |> List.map (fun r -> span r.Entry)
                // Every resolved port is declared by the manifest or written in the configuration.
                let declared = manifest.Network |> List.map span
                // (a target may change the transport of the declared port, so the declared check is by port number)
                let configured (_, a, b) =
                    section.Contains(string a) && section.Contains(string b)
                    || within declared Tcp a b
                    || within declared Udp a b
                    || declared |> List.exists (fun (_, x, y) -> x <= a && b <= y)

                let sourced = entries |> List.forall (fun r -> configured (span r.Entry))

                match FirewallPlan.build policy entries with
                | Error e -> failwithf "resolved footprint did not compile: %A\n%s" e section
                | Ok plan ->
                    sourced
                    && plan.Input
                       |> List.forall (fun r -> within inbound r.Port.Transport r.Port.First r.Port.Last)
                    && (plan.Output |> Option.defaultValue [])
                       |> List.filter (fun r -> r.Owner = manifest.Id)
                       |> List.forall (fun r -> within outbound r.Port.Transport r.Port.First r.Port.Last)))
