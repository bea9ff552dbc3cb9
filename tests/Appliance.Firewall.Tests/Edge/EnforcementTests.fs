/// THE enforcement test: the compiled ruleset, applied with NftablesApplier inside an appliance namespace that has
/// listeners on declared AND undeclared ports, is scanned with nmap from a camera, a site and an uplink namespace.
/// Open ports seen from each zone must equal the ports declared inbound for that zone (computed here from the
/// footprint and the policy, independently of the compiler).
module Appliance.Firewall.Tests.Edge.EnforcementTests

open System
open System.Net
open System.Threading
open System.Threading.Tasks
open Xunit
open Xunit.Abstractions
open Appliance.Core.Manifest
open Appliance.Core.Network
open Appliance.Core.Network.Zones
open Appliance.Firewall
open Appliance.Firewall.Tests.Policies
open Appliance.Firewall.Tests.Core.FirewallTests
open Appliance.Firewall.Tests.Edge.Netns
open Appliance.Firewall.Tests.Edge.Scanner

/// Neighbours: (zone, namespace role, appliance interface, subnet index). Each link gets 10.77.<i>.1/.2 and
/// fd77:<i>::1/::2, addresses that exist only inside these namespaces.
let neighbours =
    [
        ZoneNames.Cameras, "cam", "eth1", 1
        ZoneNames.Site, "site", "eth2", 2
        ZoneNames.Uplink, "up", "eth0", 3
    ]

let v4 i host = $"10.77.{i}.{host}"
let v6 i host = $"fd77:{i}::{host}"

let managementSources = [ "10.77.2.0/28" ]
let cameraSources = [ "10.77.1.0/24" ]

let rigConfig =
    { emptyConfig with
        Interfaces =
            neighbours
            |> List.map (fun (zone, _, iface, _) -> { Name = iface; Zone = zone })
        ManagementSources = managementSources
        SourceRestrictions = [ ZoneNames.Cameras, cameraSources ]
    }

let footprint = typicalFootprint

let private ports (r: ResolvedEntry) =
    match r.Entry.Port with
    | Port p -> [ p ]
    | PortRange(a, b) -> [ a..b ]

/// Every inbound port of the footprint gets a listener, plus ports nobody declares.
let declaredListeners =
    footprint
    |> List.filter (fun r -> r.Entry.Direction = Inbound)
    |> List.collect (fun r -> ports r |> List.map (fun p -> r.Entry.Transport, p))

let undeclaredListeners =
    [ Tcp, 22; Tcp, 3000; Tcp, 9000; Udp, 161; Udp, 5000; Udp, 9999 ]

let notListening = [ Tcp, 21; Tcp, 8080; Udp, 69; Udp, 123 ]

let scanned =
    (declaredListeners @ undeclaredListeners @ notListening) |> List.distinct

/// The oracle: what the footprint declares inbound for a zone, seen from a source address.
let expectedOpen (zone: string) (source: IPAddress) =
    let inNets (nets: string list) =
        nets |> List.exists (fun n -> IPNetwork.Parse(n).Contains source)

    let restrictionOk = zone <> ZoneNames.Cameras || inNets cameraSources

    footprint
    |> List.filter (fun r -> r.Entry.Direction = Inbound && restrictionOk)
    |> List.filter (fun r ->
        r.Entry.Zone = zone
        || (r.Entry.Zone = ZoneNames.Any && zone <> ZoneNames.Cameras)
        || (r.Entry.Zone = Management
            && zone <> ZoneNames.Cameras
            && inNets managementSources))
    |> List.collect (fun r -> ports r |> List.map (fun p -> r.Entry.Transport, p))
    |> Set.ofList
    |> Set.intersect (Set.ofList scanned)

let private transportName t = if t = Tcp then "tcp" else "udp"

let private show (ports: Set<Transport * int>) =
    if ports.IsEmpty then
        "none"
    else
        ports |> Seq.map (fun (t, p) -> $"{transportName t}/{p}") |> String.concat ", "

/// Four namespaces joined by veth pairs, listeners in the appliance namespace; removed on dispose.
type EnforcementRig() =
    let baseName = uniqueBase ()
    let created = ResizeArray<IDisposable>()

    let make role =
        let ns = new Namespace($"{baseName}-{role}")
        created.Add ns
        ns

    let app, others, listener =
        try
            let app = make "app"

            let others =
                neighbours
                |> List.map (fun (zone, role, iface, i) ->
                    let ns = make role
                    link app iface $"{v4 i 1}/24" ns "eth0" $"{v4 i 2}/24"
                    // nodad: usable at once, no duplicate address detection wait
                    ip [ "-n"; app.Name; "addr"; "add"; $"{v6 i 1}/64"; "dev"; iface; "nodad" ]
                    |> ignore

                    ip [ "-n"; ns.Name; "addr"; "add"; $"{v6 i 2}/64"; "dev"; "eth0"; "nodad" ]
                    |> ignore

                    zone, ns, i)

            let specs =
                (declaredListeners @ undeclaredListeners)
                |> List.distinct
                |> List.map (fun (t, p) -> $"{transportName t}:{p}")

            let listener = startListener (Some app.Name) specs
            created.Add listener
            app, others, listener
        with _ ->
            for d in Seq.rev created do
                d.Dispose()

            reraise ()

    member _.App = app
    member _.Neighbours = others
    member _.Listener = listener
    member _.Applier = NftablesApplier(NftOptions(Netns = app.Name))

    /// Is the portal (tcp 443 on the appliance's site address) reachable from the site namespace?
    member _.PortalReachable(ct: CancellationToken) : Task<bool> =
        let probe () =
            let _, site, i = others |> List.find (fun (z, _, _) -> z = ZoneNames.Site)

            let code, _, _ =
                exec
                    site.Name
                    "/usr/bin/python3"
                    [
                        "-c"
                        "import socket,sys; socket.create_connection((sys.argv[1], 443), timeout=2).close()"
                        v4 i 1
                    ]
                    (TimeSpan.FromSeconds 20.)

            code = 0

        Task.Run(Func<bool>(probe), ct)

    /// Scans every zone over IPv4 and IPv6 in parallel; returns (zone, source, observed open ports).
    member _.ScanAll() =
        let tcp = scanned |> List.filter (fst >> (=) Tcp) |> List.map snd
        let udp = scanned |> List.filter (fst >> (=) Udp) |> List.map snd

        [
            for zone, ns, i in others do
                for address in [ v4; v6 ] do
                    Task.Run(fun () ->
                        let states = scan ns.Name (address i 1) tcp udp

                        zone,
                        IPAddress.Parse(address i 2),
                        states
                        |> List.filter isOpen
                        |> List.map (fun s -> s.Transport, s.Port)
                        |> Set.ofList)
        ]
        |> Task.WhenAll

    interface IDisposable with
        member _.Dispose() =
            for d in Seq.rev created do
                d.Dispose()

/// Compares observed with expected per zone; returns (undeclared open, declared but not open) and prints both.
let check (log: string -> unit) (results: (string * IPAddress * Set<Transport * int>)[]) =
    let mutable undeclared = 0
    let mutable missing = 0

    for zone, source, observed in results do
        let expected = expectedOpen zone source
        let extra = Set.difference observed expected
        let absent = Set.difference expected observed
        undeclared <- undeclared + extra.Count
        missing <- missing + absent.Count

        log
            $"zone {zone} (scanned from {source}): open {show observed}; declared {show expected}; undeclared open {show extra}; declared but not open {show absent}"

    undeclared, missing

[<Collection("netns")>]
type EnforcementTests(rig: EnforcementRig, output: ITestOutputHelper) =
    let log (line: string) =
        output.WriteLine line
        Console.WriteLine line

    let policy = policyOf rigConfig

    interface IClassFixture<EnforcementRig>

    [<Fact>]
    member _.``open ports seen from each zone are exactly the ports declared for that zone``() =
        task {
            let text = compileOk policy footprint

            let! applied =
                rig.Applier.ApplyAsync(
                    text,
                    Func<_, _>(rig.PortalReachable),
                    TimeSpan.FromSeconds 30.,
                    CancellationToken.None
                )

            Assert.True(applied.Succeeded, applied.Message)
            let! results = rig.ScanAll()
            let undeclared, missing = check log results
            log $"undeclared open ports: {undeclared}"
            Assert.Equal(0, undeclared)
            Assert.Equal(0, missing)
        }

    [<Fact>]
    member _.``the same check fails when a rule is loosened``() =
        task {
            let loosened =
                (compileOk policy footprint)
                    .Replace(
                        "\t\tiif \"lo\" accept",
                        "\t\tiifname \"eth2\" tcp dport 9000 accept comment \"loosened by the test\"\n"
                        + "\t\tiifname \"eth1\" udp dport 5000 accept comment \"loosened by the test\"\n"
                        + "\t\tiif \"lo\" accept"
                    )

            let! applied = rig.Applier.ApplyAsync(loosened, null, TimeSpan.Zero, CancellationToken.None)
            Assert.True(applied.Succeeded, applied.Message)
            let! results = rig.ScanAll()
            let undeclared, missing = check log results
            log $"loosened ruleset -> undeclared open ports: {undeclared}"
            Assert.True(undeclared > 0, "the checker must see a loosened rule")
            // tcp/9000 from the site and udp/5000 from the cameras, each over IPv4 and IPv6
            Assert.Equal(4, undeclared)
            Assert.Equal(0, missing)
        }

    [<Fact>]
    member _.``a ruleset that locks the portal out is rolled back``() =
        task {
            let good = compileOk policy footprint
            let! first = rig.Applier.ApplyAsync(good, null, TimeSpan.Zero, CancellationToken.None)
            Assert.True(first.Succeeded, first.Message)
            let! before = rig.Applier.ListTableAsync CancellationToken.None

            let lockout =
                policyOf
                    { rigConfig with
                        ManagementSources = [ "192.0.2.0/24" ]
                    }

            let! result =
                rig.Applier.ApplyAsync(
                    compileOk lockout footprint,
                    Func<_, _>(rig.PortalReachable),
                    TimeSpan.FromSeconds 5.,
                    CancellationToken.None
                )

            Assert.Equal(ApplyStatus.RolledBack, result.Status)
            let! after = rig.Applier.ListTableAsync CancellationToken.None
            Assert.Equal(before.Value, after.Value)
            let! reachable = rig.PortalReachable CancellationToken.None
            Assert.True(reachable, "the portal is reachable again after the rollback")
        }
