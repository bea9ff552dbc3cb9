/// FqdnSetRefresher against real nft sets in a throwaway namespace. The resolver is the injected seam: a table of
/// documentation addresses (RFC 5737/3849), so no query leaves the machine.
module Appliance.Firewall.Tests.Edge.FqdnRefresherTests

open System
open System.Collections.Generic
open System.Net
open System.Net.Sockets
open System.Threading
open System.Threading.Tasks
open Xunit
open Appliance.Core.Network
open Appliance.Firewall
open Appliance.Firewall.Tests.Policies
open Appliance.Firewall.Tests.Core.FirewallTests
open Appliance.Firewall.Tests.Edge.Netns

let private ct = CancellationToken.None

let private sets () =
    match Firewall.fqdnSets allowlist typicalFootprint with
    | Ok s -> s
    | Error e -> failwithf "%A" e

/// A resolver over a mutable table; unknown names fail like a DNS NXDOMAIN.
type private TableResolver() =
    member val Answers = Dictionary<string, IPAddress list>()

    member this.Resolve =
        Func<string, CancellationToken, Task<IReadOnlyList<IPAddress>>>(fun name _ ->
            match this.Answers.TryGetValue name with
            | true, a -> Task.FromResult(a :> IReadOnlyList<IPAddress>)
            | _ -> Task.FromException<IReadOnlyList<IPAddress>>(SocketException(int SocketError.HostNotFound)))

[<Collection("netns")>]
type FqdnSetRefresherTests() =
    let ns = new Namespace(uniqueBase () + "-fq")
    let options = NftOptions(Netns = ns.Name)

    let listSet name =
        let code, out, err =
            exec ns.Name nftPath [ "list"; "set"; "inet"; "appliance"; name ] (TimeSpan.FromSeconds 30.)

        Assert.True((code = 0), err)
        out

    let applyAllowlist () =
        task {
            let! r = NftablesApplier(options).ApplyAsync(compileOk allowlist typicalFootprint, null, TimeSpan.Zero, ct)
            Assert.Equal(ApplyStatus.Applied, r.Status)
        }

    interface IDisposable with
        member _.Dispose() = (ns :> IDisposable).Dispose()

    [<Fact>]
    member _.``resolved addresses fill the sets and a name that does not resolve is named``() =
        task {
            do! applyAllowlist ()
            let resolver = TableResolver()

            resolver.Answers.["cloud.example.com"] <-
                [
                    IPAddress.Parse "192.0.2.10"
                    IPAddress.Parse "::ffff:192.0.2.30"
                    IPAddress.Parse "2001:db8::10"
                ]

            let refresher = FqdnSetRefresher(options, resolver.Resolve)
            let! result = refresher.RefreshAsync(sets (), ct)

            Assert.Equal<string list>(
                [ "cloud.example.com" ],
                result.Updated |> Seq.map (fun u -> u.Fqdn) |> List.ofSeq
            )

            let error = Assert.Single result.Errors
            Assert.StartsWith("FQDN updates.example.com does not resolve (", error)

            Assert.EndsWith(
                "); sets fqdn_updates_example_com_v4/fqdn_updates_example_com_v6 keep their previous addresses",
                error
            )

            let v4 = listSet "fqdn_cloud_example_com_v4"
            Assert.Contains("192.0.2.10", v4)
            Assert.Contains("192.0.2.30", v4)
            Assert.Contains("2001:db8::10", listSet "fqdn_cloud_example_com_v6")
            Assert.DoesNotContain("elements", listSet "fqdn_updates_example_com_v4")

            // a refresh replaces the addresses; a name that stops resolving keeps its previous ones
            resolver.Answers.["updates.example.com"] <- [ IPAddress.Parse "198.51.100.7" ]
            resolver.Answers.["cloud.example.com"] <- [ IPAddress.Parse "192.0.2.20" ]
            let! second = refresher.RefreshAsync(sets (), ct)
            Assert.True(second.Succeeded, String.Join("; ", second.Errors))
            let v4 = listSet "fqdn_cloud_example_com_v4"
            Assert.Contains("192.0.2.20", v4)
            Assert.DoesNotContain("192.0.2.10", v4)
            Assert.DoesNotContain("elements", listSet "fqdn_cloud_example_com_v6")
            resolver.Answers.Remove "updates.example.com" |> ignore
            let! third = refresher.RefreshAsync(sets (), ct)
            Assert.Single third.Errors |> ignore
            Assert.Contains("198.51.100.7", listSet "fqdn_updates_example_com_v4")
        }

    [<Fact>]
    member _.``an empty answer, a slow resolver and a missing table are clear errors``() =
        task {
            let resolver =
                Func<string, CancellationToken, Task<IReadOnlyList<IPAddress>>>(fun name token ->
                    task {
                        if name = "updates.example.com" then
                            do! Task.Delay(Timeout.Infinite, token)

                        return ([]: IPAddress list) :> IReadOnlyList<IPAddress>
                    })

            let refresher =
                FqdnSetRefresher(options, resolver, ResolveTimeout = TimeSpan.FromMilliseconds 300.)

            let! result = refresher.RefreshAsync(sets (), ct)

            Assert.Equal<string list>(
                [
                    "FQDN cloud.example.com does not resolve (no addresses); sets fqdn_cloud_example_com_v4/fqdn_cloud_example_com_v6 keep their previous addresses"
                    "FQDN updates.example.com does not resolve (no answer within 0.3 s); sets fqdn_updates_example_com_v4/fqdn_updates_example_com_v6 keep their previous addresses"
                ],
                List.ofSeq result.Errors
            )
            // the table is not loaded in this namespace: nft's complaint names the FQDN
            let fixedAnswer =
                Func<string, CancellationToken, Task<IReadOnlyList<IPAddress>>>(fun _ _ ->
                    Task.FromResult([ IPAddress.Parse "192.0.2.1" ] :> IReadOnlyList<IPAddress>))

            let! missing = FqdnSetRefresher(options, fixedAnswer).RefreshAsync(sets (), ct)
            Assert.Equal(2, missing.Errors.Count)
            Assert.StartsWith("FQDN cloud.example.com: nft (/usr/sbin/nft) in network namespace", missing.Errors.[0])

            let! noNft =
                FqdnSetRefresher(NftOptions(Netns = ns.Name, NftPath = "/nonexistent/nft"), fixedAnswer)
                    .RefreshAsync(sets (), ct)

            Assert.StartsWith("FQDN cloud.example.com: nft not found at /nonexistent/nft", noNft.Errors.[0])
        }
