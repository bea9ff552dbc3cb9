namespace Appliance.Core.Security

open Appliance.Core.Security.SecurityReport

/// The security report for C# callers: arrays in and out, no F# lists.
[<AbstractClass; Sealed>]
type SecurityFacade =
    /// Every check of `SecurityReport.evaluate`, in control order.
    static member Evaluate(facts: SecurityFacts) : Finding array = evaluate facts |> Array.ofList

    /// "pass", "warn" or "fail": the worst verdict of the findings.
    static member Overall(findings: Finding seq) : string =
        overall (List.ofSeq findings) |> verdictName

    /// "pass", "warn" or "fail".
    static member Name(verdict: Verdict) : string = verdictName verdict

    /// The report as Markdown (one table per control).
    static member Markdown(facts: SecurityFacts, findings: Finding seq) : string = markdown facts (List.ofSeq findings)

    /// The report as JSON text.
    static member Json(facts: SecurityFacts, findings: Finding seq) : string = json facts (List.ofSeq findings)
