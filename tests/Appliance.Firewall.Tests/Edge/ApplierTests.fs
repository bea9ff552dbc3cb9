/// NftablesApplier against real nft in a throwaway namespace: bad input leaves the previous ruleset in force,
/// and an unconfirmed apply is rolled back.
module Appliance.Firewall.Tests.Edge.ApplierTests

open System
open System.Threading
open System.Threading.Tasks
open Xunit
open Appliance.Firewall
open Appliance.Firewall.Tests.Policies
open Appliance.Firewall.Tests.Core.FirewallTests
open Appliance.Firewall.Tests.Edge.Netns

let private previousText = compileOk siteDefault typicalFootprint
let private nextText = compileOk allowlist typicalFootprint
let private ct = CancellationToken.None
let private quick = TimeSpan.FromSeconds 2.

[<Collection("netns")>]
type NftablesApplierTests() =
    let ns = new Namespace(uniqueBase () + "-apl")

    let applier =
        NftablesApplier(NftOptions(Netns = ns.Name), ConfirmInterval = TimeSpan.FromMilliseconds 200.)

    let listing () =
        task {
            let! l = applier.ListTableAsync ct
            Assert.True(l.IsOk, string l.Failure)
            return l.Value
        }

    /// Applies the "previous" ruleset and returns its listing.
    let applyPrevious () =
        task {
            let! r = applier.ApplyAsync(previousText, null, TimeSpan.Zero, ct)
            Assert.Equal(ApplyStatus.Applied, r.Status)
            let! l = listing ()
            Assert.Contains("tcp dport 8554 accept", l)
            return l
        }

    interface IDisposable with
        member _.Dispose() = (ns :> IDisposable).Dispose()

    [<Fact>]
    member _.``a missing nft binary is a clear error and the previous ruleset stays in force``() =
        task {
            let! before = applyPrevious ()

            let broken =
                NftablesApplier(NftOptions(Netns = ns.Name, NftPath = "/nonexistent/sbin/nft"))

            let! result = broken.ApplyAsync(nextText, null, TimeSpan.Zero, ct)
            Assert.Equal(ApplyStatus.Rejected, result.Status)

            Assert.Equal(
                "nft not found at /nonexistent/sbin/nft: install the nftables package or fix the configured path; the previous ruleset stays in force",
                result.Message
            )

            let! after = listing ()
            Assert.Equal(before, after)
        }

    [<Fact>]
    member _.``a ruleset nft rejects is a clear error and the previous ruleset stays in force``() =
        task {
            let! before = applyPrevious ()

            let broken =
                "table inet appliance {}\ndelete table inet appliance\ntable inet appliance {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\ttcp dport 99999 accept\n\t}\n}\n"

            let! result = applier.ApplyAsync(broken, null, TimeSpan.Zero, ct)
            Assert.Equal(ApplyStatus.Rejected, result.Status)

            Assert.StartsWith(
                $"nft (/usr/sbin/nft) in network namespace {ns.Name} rejected the ruleset: ",
                result.Message
            )

            Assert.Contains("99999", result.Message)
            Assert.EndsWith("; the previous ruleset stays in force", result.Message)
            let! after = listing ()
            Assert.Equal(before, after)
        }

    [<Fact>]
    member _.``garbage and a truncated ruleset are rejected too``() =
        task {
            let! before = applyPrevious ()

            for text in [ "\u0000\u00ff garbage {{{"; nextText.Substring(0, nextText.Length / 2); "" ] do
                let! result = applier.ApplyAsync(text, null, TimeSpan.Zero, ct)

                if text = "" then
                    // an empty script is valid nft and changes nothing
                    Assert.Equal(ApplyStatus.Applied, result.Status)
                else
                    Assert.Equal(ApplyStatus.Rejected, result.Status)

                let! after = listing ()
                Assert.Equal(before, after)
        }

    [<Fact>]
    member _.``an apply whose confirmation returns false is rolled back``() =
        task {
            let! before = applyPrevious ()
            let mutable calls = 0

            let confirm =
                Func<CancellationToken, Task<bool>>(fun _ ->
                    Interlocked.Increment &calls |> ignore
                    Task.FromResult false)

            let! result = applier.ApplyAsync(nextText, confirm, quick, ct)
            Assert.Equal(ApplyStatus.RolledBack, result.Status)

            Assert.Equal(
                "the new ruleset was not confirmed (not confirmed within 2 s; the confirmation returned false); the previous ruleset was restored",
                result.Message
            )

            Assert.True(calls >= 2, $"the confirmation was tried {calls} times")
            let! after = listing ()
            Assert.Equal(before, after)
        }

    [<Fact>]
    member _.``a first apply that is not confirmed removes the table again``() =
        task {
            let! before = listing ()
            Assert.Null before
            let! result = applier.ApplyAsync(nextText, Func<_, _>(fun _ -> Task.FromResult false), quick, ct)
            Assert.Equal(ApplyStatus.RolledBack, result.Status)
            let! after = listing ()
            Assert.Null after
        }

    [<Fact>]
    member _.``a confirmation that throws or hangs counts as not confirmed``() =
        task {
            let! before = applyPrevious ()

            let throwing =
                Func<CancellationToken, Task<bool>>(fun _ ->
                    Task.FromException<bool>(InvalidOperationException "portal probe exploded"))

            let! thrown = applier.ApplyAsync(nextText, throwing, quick, ct)
            Assert.Equal(ApplyStatus.RolledBack, thrown.Status)
            Assert.Contains("the confirmation failed: InvalidOperationException: portal probe exploded", thrown.Message)

            let hanging =
                Func<CancellationToken, Task<bool>>(fun token ->
                    task {
                        do! Task.Delay(Timeout.Infinite, token)
                        return true
                    })

            let! hung = applier.ApplyAsync(nextText, hanging, quick, ct)
            Assert.Equal(ApplyStatus.RolledBack, hung.Status)
            let! after = listing ()
            Assert.Equal(before, after)
        }

    [<Fact>]
    member _.``a confirmation that succeeds after retries keeps the new ruleset``() =
        task {
            let! _ = applyPrevious ()
            let mutable calls = 0

            let confirm =
                Func<CancellationToken, Task<bool>>(fun _ -> Task.FromResult(Interlocked.Increment &calls >= 3))

            let! result = applier.ApplyAsync(nextText, confirm, TimeSpan.FromSeconds 30., ct)
            Assert.Equal(ApplyStatus.Applied, result.Status)
            Assert.Equal(3, calls)
            let! after = listing ()
            Assert.Contains("set fqdn_cloud_example_com_v4", after)
        }

    [<Fact>]
    member _.``check alone changes nothing``() =
        task {
            let! before = applyPrevious ()
            let! ok = applier.CheckAsync(nextText, ct)
            Assert.True(ok.IsOk, string ok.Failure)
            let! bad = applier.CheckAsync("table inet appliance { chain c { nonsense } }", ct)
            Assert.Equal(NftablesApplier.NftFailed, (nonNull bad.Failure).Code)
            let! after = listing ()
            Assert.Equal(before, after)
        }
