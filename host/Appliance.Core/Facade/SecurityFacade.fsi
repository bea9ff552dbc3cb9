namespace Appliance.Core.Security

/// The security report for C# callers: arrays in and out, no F# lists.
[<AbstractClass; Sealed; Class>]
type SecurityFacade =

    /// Every check of `SecurityReport.evaluate`, in control order.
    static member Evaluate: facts: SecurityReport.SecurityFacts -> SecurityReport.Finding array

    /// "pass", "warn" or "fail": the worst verdict of the findings.
    static member Overall: findings: SecurityReport.Finding seq -> string

    /// "pass", "warn" or "fail".
    static member Name: verdict: SecurityReport.Verdict -> string

    /// The report as Markdown (one table per control).
    static member Markdown: facts: SecurityReport.SecurityFacts * findings: SecurityReport.Finding seq -> string

    /// The report as JSON text.
    static member Json: facts: SecurityReport.SecurityFacts * findings: SecurityReport.Finding seq -> string
