module Appliance.Core.Tests.PropertyTests

open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Appliance.Core.Manifest
open Appliance.Core.Network
open Appliance.Core.Tests.Generators
open Appliance.Core.Tests.TestData

let private range (p: PortSpec) =
    match p with
    | Port n -> n, n
    | PortRange(a, b) -> a, b

[<Property(MaxTest = 300)>]
let ``generated valid manifests round-trip through serialize and parse`` () =
    Prop.forAll (Arb.fromGen manifest) (fun m ->
        let text = ManifestParser.serialize m
        (ManifestParser.parse text = Ok m) |> Prop.label text)

[<Property(MaxTest = 300)>]
let ``semver: format then parse is the identity, and precedence is antisymmetric`` () =
    Prop.forAll (Arb.fromGen (Gen.two semVer)) (fun (a, b) ->
        Versions.parseSemVer (Versions.formatSemVer a) = Ok a
        && Versions.compareSemVer a b = -(Versions.compareSemVer b a)
        && Versions.compareSemVer a a = 0)

/// Whatever the configuration holds at a config key, resolve yields ports in 0..65535 (first <= last),
/// and a value that is a port is the port used.
[<Property(MaxTest = 300)>]
let ``resolve never yields a port outside 0..65535`` () =
    let input =
        gen {
            let! m = manifest
            let keyed = m.Network |> List.choose (fun e -> e.ConfigKey)
            let! values = Gen.listOfLength keyed.Length anyPortValue
            return m, List.zip keyed values
        }

    Prop.forAll (Arb.fromGen input) (fun (m, values) ->
        let ports =
            values
            |> List.map (fun (key: string, v) -> $"\"{key.Split('.')[1]}\": {v}")
            |> String.concat ", "

        let config = json $"{{\"ports\": {{{ports}}}}}"
        let resolved = Footprint.resolve m config

        let inRange =
            resolved
            |> List.forall (fun r ->
                let first, last = range r.Entry.Port
                0 <= first && first <= last && last <= 65535)

        let configuredUsed =
            List.zip m.Network resolved
            |> List.forall (fun (declared, r) ->
                match declared.ConfigKey |> Option.bind (ConfigSchema.tryGetInt config) with
                | Some p when p >= 0 && p <= 65535 -> r.Entry.Port = Port p
                | _ -> r.Entry.Port = declared.Port)

        inRange && configuredUsed)

let private owners = [ "appliance.a"; "appliance.b"; "appliance.c" ]

[<Property(MaxTest = 500)>]
let ``collisions are symmetric: the order of entries does not matter`` () =
    let input =
        gen {
            let! entries = resolvedEntries owners 1 20
            let! shuffled = Gen.shuffle (List.toArray entries)
            return entries, List.ofArray shuffled
        }

    Prop.forAll (Arb.fromGen input) (fun (entries, shuffled) ->
        let c = Footprint.collisions entries
        c = Footprint.collisions (List.rev entries) && c = Footprint.collisions shuffled)

[<Property(MaxTest = 500)>]
let ``collisions: reported exactly when two owners overlap inbound on one transport`` () =
    Prop.forAll (Arb.fromGen (resolvedEntries owners 0 20)) (fun entries ->
        let inbound =
            entries
            |> List.filter (fun r -> r.Entry.Direction = Inbound && range r.Entry.Port <> (0, 0))

        let overlap =
            inbound
            |> List.exists (fun a ->
                inbound
                |> List.exists (fun b ->
                    let af, al = range a.Entry.Port
                    let bf, bl = range b.Entry.Port

                    a.Owner <> b.Owner
                    && a.Entry.Transport = b.Entry.Transport
                    && max af bf <= min al bl))

        overlap = not (Footprint.collisions entries).IsEmpty)

[<Property(MaxTest = 300)>]
let ``collisions are empty for owners with disjoint port sets`` () =
    let input =
        gen {
            let! a = resolvedEntries [ "appliance.a" ] 1 1000
            let! b = resolvedEntries [ "appliance.b" ] 1001 2000
            let! c = resolvedEntries [ "appliance.c" ] 2001 65535
            return! Gen.shuffle (List.toArray (a @ b @ c))
        }

    Prop.forAll (Arb.fromGen input) (fun entries -> (Footprint.collisions (List.ofArray entries)).IsEmpty)
