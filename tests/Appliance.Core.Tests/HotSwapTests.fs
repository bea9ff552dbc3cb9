/// The hot-swap decisions: keep, reload, stop or skip a folder; commit, keep, roll back or stay down after an attempt.
module Appliance.Core.Tests.HotSwapTests

open Xunit
open Appliance.Core.Plugins.HotSwap

let private view =
    {
        Installed = "v2"
        Running = RunningFrom "v1"
        Rejected = None
        Failed = None
        Enabled = true
        Force = false
    }

[<Fact>]
let ``a changed folder is reloaded, an unchanged one kept`` () =
    Assert.Equal(Reload, decide view)
    Assert.Equal(Keep, decide { view with Installed = "v1" })
    Assert.Equal(Reload, decide { view with Running = NothingRunning })

[<Fact>]
let ``a disabled plugin is stopped, or left stopped`` () =
    Assert.Equal(StopIt, decide { view with Enabled = false })

    Assert.Equal(
        Keep,
        decide
            { view with
                Enabled = false
                Running = NothingRunning
            }
    )

    Assert.Equal(
        StopIt,
        decide
            { view with
                Enabled = false
                Force = true
            }
    )

[<Fact>]
let ``a rolled-back version is skipped until the folder changes or the user forces it`` () =
    match decide { view with Rejected = Some "v2" } with
    | Skip reason -> Assert.Contains("rolled back", reason)
    | other -> failwithf "expected Skip, got %A" other

    Assert.Equal(
        Reload,
        decide
            { view with
                Rejected = Some "v2"
                Force = true
            }
    )

    Assert.Equal(Reload, decide { view with Rejected = Some "v3" })

[<Fact>]
let ``a failed version with nothing running is not retried on its own`` () =
    Assert.True(
        (decide
            { view with
                Running = NothingRunning
                Failed = Some "v2"
            })
            .IsSkip
    )

    Assert.Equal(
        Reload,
        decide
            { view with
                Running = NothingRunning
                Failed = Some "v2"
                Force = true
            }
    )

    Assert.Equal(
        Reload,
        decide
            { view with
                Running = RunningFrom "v1"
                Failed = Some "v2"
            }
    )

[<Fact>]
let ``after an attempt: commit, keep the previous, roll back, or stay down`` () =
    Assert.Equal(Commit, afterAttempt true Started)
    Assert.Equal(Commit, afterAttempt false Started)
    Assert.Equal(KeepPrevious "collision", afterAttempt true (Refused "collision"))
    Assert.Equal(RollBack "threw", afterAttempt true (FailedToStart "threw"))
    Assert.Equal(RollBack "crashed", afterAttempt true (QuarantinedWithinGrace "crashed"))
    Assert.Equal(StayDown "threw", afterAttempt false (FailedToStart "threw"))
    Assert.Equal(StayDown "collision", afterAttempt false (Refused "collision"))
