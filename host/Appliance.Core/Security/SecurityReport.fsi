/// The security report: the running configuration checked against the hardening advice of the seed pages, each
/// check mapped to its NIST SP 800-53 control (SI-2 flaw remediation, CM-6 configuration settings, SC-23 session
/// authenticity, CA-3 system interconnections, SC-7 boundary protection). Pure: the host gathers the facts, this
/// module judges them; every finding carries its evidence and, unless it passes, the fix.
module Appliance.Core.Security.SecurityReport

open System

type Verdict =
    | Pass
    | Warn
    | Fail

/// A plugin as installed: its version, whether its package was signed by a trusted key (bundled plugins come with
/// the signed image), whether it runs, and whether anyone configured it.
type PluginFact =
    {
        Id: string
        Version: string
        Kind: string
        Signed: bool
        Bundled: bool
        Running: bool
        Configured: bool
    }

/// An outbound destination of the generated network requirements.
type OutboundFact =
    {
        Owner: string
        /// A host name, an address, or "" when the entry allows any destination on its port.
        Destination: string
        Port: string
        Purpose: string
    }

/// What the host knows about its own configuration and state, gathered at the time of the report.
type SecurityFacts =
    {
        Now: DateTimeOffset
        // SI-2
        PluginRepositoryUrl: string
        ImageUpdatesEnabled: bool
        ImageVersion: string
        /// When the running image was installed (its version file's time); null when unknown.
        ImageInstalledAt: Nullable<DateTimeOffset>
        Plugins: PluginFact[]
        // CM-6
        AllowUnsigned: bool
        RepositoryAllowsPlainHttp: bool
        /// An administrator exists (the appliance was claimed at first start).
        Claimed: bool
        LoopbackSetup: bool
        /// Local users whose password is one of the well-known default passwords.
        UsersWithDefaultPassword: string[]
        /// The plain-HTTP port, 0 when off.
        HttpPort: int
        /// Plain HTTP answers only with redirects to HTTPS (and the health probe).
        HttpRedirectOnly: bool
        /// The lowest TLS version the portal accepts, e.g. "1.2".
        TlsMinimum: string
        // SC-23
        CookieSecure: bool
        CookieHttpOnly: bool
        CookieSameSiteStrict: bool
        SessionIdleMinutes: float
        SessionMaxHours: float
        LoginThrottleFreeFailures: int
        LoginThrottleMaxDelayMinutes: float
        MaxTokenDays: float
        // CA-3
        Outbound: OutboundFact[]
        CloudLinkEnabled: bool
        CloudMutualTls: bool
        // SC-7
        FirewallEnforced: bool
        FirewallErrors: string[]
        ManagementSources: string[]
        /// Interfaces assigned to the cameras zone.
        CameraInterfaces: string[]
        OutboundAllowlist: bool
    }

type Finding =
    {
        /// Stable id, e.g. "sc7-firewall".
        Id: string
        /// The NIST SP 800-53 control, e.g. "SC-7".
        Control: string
        ControlName: string
        Title: string
        Verdict: Verdict
        Evidence: string
        /// What to change; empty when the check passes.
        Fix: string
    }

/// Every check, in control order (SI-2, CM-6, SC-23, CA-3, SC-7).
val evaluate: facts: SecurityFacts -> Finding list

/// The worst verdict of the findings (Pass for none).
val overall: findings: Finding list -> Verdict

val verdictName: verdict: Verdict -> string

/// The report as Markdown: a summary line, then one table per control.
val markdown: facts: SecurityFacts -> findings: Finding list -> string

/// The report as JSON text: { generatedAt, overall, counts, findings: [{ id, control, controlName, title, verdict, evidence, fix }] }.
val json: facts: SecurityFacts -> findings: Finding list -> string
