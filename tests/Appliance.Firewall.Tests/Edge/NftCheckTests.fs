/// The golden files are real nftables: `nft -c -f` accepts each inside a throwaway namespace, and they load.
module Appliance.Firewall.Tests.Edge.NftCheckTests

open System
open System.IO
open System.Threading
open Xunit
open Appliance.Firewall
open Appliance.Firewall.Tests.Core.FirewallTests
open Appliance.Firewall.Tests.Edge.Netns

type GoldenData =
    static member Names: obj array seq = goldenNames

[<Collection("netns")>]
type GoldenFilesAreValidNft() =
    [<Theory>]
    [<MemberData("Names", MemberType = typeof<GoldenData>)>]
    member _.``nft -c accepts the golden file and it loads``(name: string) =
        task {
            use ns = new Namespace(uniqueBase () + "-chk")
            let path = Path.Combine(goldenDirectory, name)

            let code, _, err =
                exec ns.Name nftPath [ "-c"; "-f"; path ] (TimeSpan.FromSeconds 30.)

            Assert.True((code = 0), $"nft -c -f {name} failed: {err}")
            let applier = NftablesApplier(NftOptions(Netns = ns.Name))
            let! result = applier.ApplyAsync(File.ReadAllText path, null, TimeSpan.Zero, CancellationToken.None)
            Assert.Equal(ApplyStatus.Applied, result.Status)
            let! listing = applier.ListTableAsync CancellationToken.None
            Assert.StartsWith("table inet appliance {", listing.Value)
            // reapplying over the existing table is atomic and leaves the same table
            let! again = applier.ApplyAsync(File.ReadAllText path, null, TimeSpan.Zero, CancellationToken.None)
            Assert.Equal(ApplyStatus.Applied, again.Status)
            let! relisted = applier.ListTableAsync CancellationToken.None
            Assert.Equal(listing.Value, relisted.Value)
        }
