module Appliance.Core.Security.SecurityReport

open System
open System.Globalization
open System.IO
open System.Text
open System.Text.Json

type Verdict =
    | Pass
    | Warn
    | Fail

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

type OutboundFact =
    {
        Owner: string
        Destination: string
        Port: string
        Purpose: string
    }

type SecurityFacts =
    {
        Now: DateTimeOffset
        PluginRepositoryUrl: string
        ImageUpdatesEnabled: bool
        ImageVersion: string
        ImageInstalledAt: Nullable<DateTimeOffset>
        Plugins: PluginFact[]
        AllowUnsigned: bool
        RepositoryAllowsPlainHttp: bool
        Claimed: bool
        LoopbackSetup: bool
        UsersWithDefaultPassword: string[]
        HttpPort: int
        HttpRedirectOnly: bool
        TlsMinimum: string
        CookieSecure: bool
        CookieHttpOnly: bool
        CookieSameSiteStrict: bool
        SessionIdleMinutes: float
        SessionMaxHours: float
        LoginThrottleFreeFailures: int
        LoginThrottleMaxDelayMinutes: float
        MaxTokenDays: float
        Outbound: OutboundFact[]
        CloudLinkEnabled: bool
        CloudMutualTls: bool
        FirewallEnforced: bool
        FirewallErrors: string[]
        ManagementSources: string[]
        CameraInterfaces: string[]
        OutboundAllowlist: bool
    }

type Finding =
    {
        Id: string
        Control: string
        ControlName: string
        Title: string
        Verdict: Verdict
        Evidence: string
        Fix: string
    }

let private controlNames =
    Map.ofList
        [
            "SI-2", "Flaw remediation"
            "CM-6", "Configuration settings"
            "SC-23", "Session authenticity"
            "CA-3", "System interconnections"
            "SC-7", "Boundary protection"
        ]

let private finding control id title verdict evidence fix =
    {
        Id = id
        Control = control
        ControlName = controlNames.[control]
        Title = title
        Verdict = verdict
        Evidence = evidence
        Fix = (if verdict = Pass then "" else fix)
    }

let private invariant (value: float) =
    value.ToString("0.##", CultureInfo.InvariantCulture)

let private listOr (empty: string) (items: string seq) =
    match List.ofSeq items with
    | [] -> empty
    | xs -> String.Join(", ", xs)

// ---- SI-2: flaw remediation

/// Past this age the running image is behind the fixes a maintained appliance gets.
let private staleAfterDays = 90.0
let private obsoleteAfterDays = 180.0

let private updateChannel (f: SecurityFacts) =
    let repository = not (String.IsNullOrWhiteSpace f.PluginRepositoryUrl)

    let evidence =
        sprintf
            "image updates %s; plugin repository %s"
            (if f.ImageUpdatesEnabled then "on" else "off")
            (if repository then
                 f.PluginRepositoryUrl
             else
                 "not configured")

    let verdict =
        match f.ImageUpdatesEnabled, repository with
        | true, true -> Pass
        | false, false -> Fail
        | _ -> Warn

    finding
        "SI-2"
        "si2-update-channel"
        "Updates reach the appliance (image and plugins)"
        verdict
        evidence
        "Turn image updates on (imageUpdates.enabled with the RAUC keyring) and set plugins.repository.url to the signed plugin repository."

let private updateAge (f: SecurityFacts) =
    let title = "The running image is recent"

    let version =
        if String.IsNullOrWhiteSpace f.ImageVersion then
            "version unknown"
        else
            f.ImageVersion

    if not f.ImageInstalledAt.HasValue then
        finding
            "SI-2"
            "si2-update-age"
            title
            Warn
            $"image {version}; its installation time is unknown"
            "Install the current image bundle (its version file records the time)."
    else
        let days = (f.Now - f.ImageInstalledAt.Value).TotalDays

        let verdict =
            if days > obsoleteAfterDays then Fail
            elif days > staleAfterDays then Warn
            else Pass

        finding
            "SI-2"
            "si2-update-age"
            title
            verdict
            $"image {version} installed {f.ImageInstalledAt.Value.UtcDateTime:``yyyy-MM-dd``} ({invariant (Math.Floor days)} days ago; warn after {invariant staleAfterDays}, fail after {invariant obsoleteAfterDays})"
            "Install the current image bundle (POST /api/v1/system/image or the update channel)."

let private pluginSignatures (f: SecurityFacts) =
    let unsigned =
        f.Plugins
        |> Array.filter (fun p -> not p.Signed && not p.Bundled)
        |> Array.toList

    let describe (p: PluginFact) =
        let how =
            if p.Bundled then "bundled with the image"
            elif p.Signed then "signed"
            else "UNSIGNED"

        $"{p.Id} {p.Version} ({how})"

    finding
        "SI-2"
        "si2-plugin-signatures"
        "Every installed plugin comes signed or with the image"
        (if unsigned.IsEmpty then Pass else Fail)
        (listOr "no plugins installed" (f.Plugins |> Seq.map describe))
        $"""Remove or replace the unsigned plugins ({listOr "" (unsigned |> Seq.map (fun p -> p.Id))}) with signed packages from the plugin repository."""

// ---- CM-6: configuration settings

let private defaultCredentials (f: SecurityFacts) =
    let title = "No default or missing credentials"

    if not f.Claimed then
        finding
            "CM-6"
            "cm6-default-credentials"
            title
            Fail
            (if f.LoopbackSetup then
                 "no administrator yet: whoever reaches the setup page first (with the setup code, or from the box itself) claims the appliance"
             else
                 "no administrator yet: whoever has the setup code claims the appliance")
            "Claim the appliance now: create the administrator on the portal's setup page."
    elif f.UsersWithDefaultPassword.Length > 0 then
        finding
            "CM-6"
            "cm6-default-credentials"
            title
            Fail
            $"""users with a well-known default password: {listOr "" f.UsersWithDefaultPassword}"""
            "Set a new password for each of these users (Users page or PUT /api/v1/users/{name}/password)."
    else
        finding
            "CM-6"
            "cm6-default-credentials"
            title
            Pass
            "claimed; no local user has a well-known default password"
            ""

let private tlsOnly (f: SecurityFacts) =
    let tlsOk = f.TlsMinimum = "1.2" || f.TlsMinimum = "1.3"

    let http =
        if f.HttpPort = 0 then
            "plain HTTP off"
        elif f.HttpRedirectOnly then
            $"plain HTTP on port {f.HttpPort} only redirects to HTTPS"
        else
            $"plain HTTP on port {f.HttpPort} serves content"

    finding
        "CM-6"
        "cm6-tls-only"
        "The portal and API speak TLS only"
        (if tlsOk && (f.HttpPort = 0 || f.HttpRedirectOnly) then
             Pass
         else
             Fail)
        $"TLS {f.TlsMinimum} and later; {http}"
        "Accept TLS 1.2 or later only, and switch plain HTTP off (http.httpPort: 0) or leave it redirect-only."

let private unusedPlugins (f: SecurityFacts) =
    let unused =
        f.Plugins
        |> Array.filter (fun p -> p.Running && p.Kind = "integration" && not p.Configured)
        |> Array.toList

    finding
        "CM-6"
        "cm6-unused-plugins"
        "No integration runs without being used"
        (if unused.IsEmpty then Pass else Warn)
        (if unused.IsEmpty then
             $"""{f.Plugins |> Array.filter (fun p -> p.Running) |> Array.length} plugins running, each configured or part of the core function"""
         else
             $"""integrations running with their defaults only: {listOr "" (unused |> Seq.map (fun p -> p.Id))}""")
        "Disable the integrations nobody configured (Plugins page or POST /api/v1/plugins/{id}/disable)."

let private allowUnsigned (f: SecurityFacts) =
    let verdict =
        if f.AllowUnsigned then Fail
        elif f.RepositoryAllowsPlainHttp then Warn
        else Pass

    finding
        "CM-6"
        "cm6-allow-unsigned"
        "Only signed plugin packages are accepted"
        verdict
        $"""plugins.allowUnsigned {(if f.AllowUnsigned then "on" else "off")}; repository over plain HTTP {(if f.RepositoryAllowsPlainHttp then "allowed" else "refused")}"""
        "Set plugins.allowUnsigned to false and plugins.repository.allowPlainHttp to false."

// ---- SC-23: session authenticity

let private cookies (f: SecurityFacts) =
    let flags =
        [
            "Secure", f.CookieSecure
            "HttpOnly", f.CookieHttpOnly
            "SameSite=Strict", f.CookieSameSiteStrict
        ]

    let missing = flags |> List.filter (snd >> not) |> List.map fst

    finding
        "SC-23"
        "sc23-cookies"
        "Session cookies are Secure, HttpOnly and SameSite=Strict"
        (if missing.IsEmpty then Pass else Fail)
        (flags
         |> List.map (fun (name, on) -> $"""{name} {(if on then "set" else "missing")}""")
         |> String.concat ", ")
        $"""Set {listOr "" missing} on the session cookie."""

let private sessionTimeout (f: SecurityFacts) =
    let verdict =
        if f.SessionIdleMinutes > 24.0 * 60.0 || f.SessionMaxHours > 7.0 * 24.0 then
            Fail
        elif f.SessionIdleMinutes > 60.0 || f.SessionMaxHours > 12.0 then
            Warn
        else
            Pass

    finding
        "SC-23"
        "sc23-session-timeout"
        "Sessions end when idle and at a fixed limit"
        verdict
        $"idle timeout {invariant f.SessionIdleMinutes} min, absolute limit {invariant f.SessionMaxHours} h (advice: at most 60 min and 12 h)"
        "Set auth.sessionIdleMinutes to 60 or less and auth.sessionMaxHours to 12 or less."

let private lockout (f: SecurityFacts) =
    finding
        "SC-23"
        "sc23-lockout"
        "Repeated failed logins are slowed down and locked out"
        (if f.LoginThrottleFreeFailures > 0 && f.LoginThrottleFreeFailures <= 10 then
             Pass
         else
             Fail)
        $"after {f.LoginThrottleFreeFailures} failures per user and per source, each attempt waits longer, up to {invariant f.LoginThrottleMaxDelayMinutes} min; management sources keep their own budget"
        "Keep the login throttle on (at most 10 free failures)."

let private tokenLifetime (f: SecurityFacts) =
    finding
        "SC-23"
        "sc23-token-lifetime"
        "API tokens expire"
        (if f.MaxTokenDays <= 366.0 then Pass else Warn)
        $"API tokens live at most {invariant f.MaxTokenDays} days"
        "Set auth.maxTokenDays to 366 or less."

// ---- CA-3: system interconnections

/// DNS goes to the resolvers the network assigns (DHCP or the static settings): the host's own port-53 entries name
/// no destination by nature, and are not an unnamed interconnection.
let private isResolver (o: OutboundFact) =
    o.Owner = "appliance.host" && o.Port = "53"

let private outbound (f: SecurityFacts) =
    let describe (o: OutboundFact) =
        let where =
            if o.Destination <> "" then o.Destination
            elif isResolver o then "the assigned DNS resolvers"
            else "any destination"

        $"{o.Owner} -> {where}:{o.Port} ({o.Purpose})"

    let open' =
        f.Outbound
        |> Array.filter (fun o -> o.Destination = "" && not (isResolver o))
        |> Array.toList

    let verdict = if open'.IsEmpty then Pass else Warn

    finding
        "CA-3"
        "ca3-outbound"
        "Every connection the appliance makes is to a named system"
        verdict
        (listOr "no outbound connections" (f.Outbound |> Seq.map describe))
        $"""Name the peers of {listOr "" (open' |> Seq.map (fun o -> o.Owner) |> Seq.distinct)} in their configuration (a host or targets list), so the requirements and the firewall list exactly them."""

let private cloudLink (f: SecurityFacts) =
    let verdict =
        if not f.CloudLinkEnabled then Pass
        elif f.CloudMutualTls then Pass
        else Fail

    finding
        "CA-3"
        "ca3-cloud-link"
        "The cloud link authenticates both ends"
        verdict
        (if not f.CloudLinkEnabled then
             "cloud link off"
         elif f.CloudMutualTls then
             "cloud link over MQTT with mutual TLS (device certificate, fleet CA)"
         else
             "cloud link on without a device certificate")
        "Provision the device certificate (provisioning file, EST enrolment or POST /api/v1/cloud/certificate)."

// ---- SC-7: boundary protection

let private firewall (f: SecurityFacts) =
    let verdict =
        if f.FirewallEnforced && f.FirewallErrors.Length = 0 then
            Pass
        else
            Fail

    let evidence =
        if f.FirewallErrors.Length > 0 then
            $"""the firewall does not compile: {listOr "" f.FirewallErrors}"""
        elif f.FirewallEnforced then
            "network.firewall.enforce on: only declared ports are open"
        else
            "network.firewall.enforce off: the ruleset is compiled but not applied"

    finding
        "SC-7"
        "sc7-firewall"
        "The firewall enforces the declared footprint"
        verdict
        evidence
        "Set network.firewall.enforce to true (and fix the zone errors listed, if any)."

let private cameraZone (f: SecurityFacts) =
    finding
        "SC-7"
        "sc7-camera-zone"
        "Cameras sit on their own isolated zone"
        (if f.CameraInterfaces.Length > 0 && f.FirewallEnforced then
             Pass
         else
             Warn)
        (if f.CameraInterfaces.Length = 0 then
             "no interface is assigned to the cameras zone: cameras share a network with everything else"
         else
             $"""cameras zone on {listOr "" f.CameraInterfaces}{(if f.FirewallEnforced then
                                                                     "; management is never reachable from it"
                                                                 else
                                                                     "; but the firewall is not enforced")}""")
        "Put the cameras on their own interface or VLAN and assign it to the cameras zone (network.firewall.zones.interfaces)."

let private managementSources (f: SecurityFacts) =
    finding
        "SC-7"
        "sc7-management-sources"
        "Management is reachable only from named networks"
        (if f.ManagementSources.Length > 0 then Pass else Fail)
        (if f.ManagementSources.Length > 0 then
             $"""portal and API accept {listOr "" f.ManagementSources} (and loopback)"""
         else
             "zones.managementSources is empty: the portal and API accept any source in every zone but cameras")
        "List the administrators' networks in network.firewall.zones.managementSources."

let private plainHttp (f: SecurityFacts) =
    finding
        "SC-7"
        "sc7-plain-http"
        "Plain HTTP is off or redirect-only"
        (if f.HttpPort = 0 || f.HttpRedirectOnly then Pass else Fail)
        (if f.HttpPort = 0 then
             "no plain HTTP port"
         elif f.HttpRedirectOnly then
             $"port {f.HttpPort} answers only with redirects to HTTPS (and /healthz)"
         else
             $"port {f.HttpPort} serves content over plain HTTP")
        "Set http.httpPort to 0, or keep it redirect-only."

let private outboundAllowlist (f: SecurityFacts) =
    finding
        "SC-7"
        "sc7-outbound-allowlist"
        "Outbound traffic is limited to the declared destinations"
        (if f.OutboundAllowlist && f.FirewallEnforced then
             Pass
         else
             Warn)
        $"""outbound allowlist {(if f.OutboundAllowlist then "on" else "off")}{(if f.FirewallEnforced then
                                                                                    ""
                                                                                else
                                                                                    " (firewall not enforced)")}"""
        "Set network.firewall.zones.outboundAllowlist to true."

let evaluate (facts: SecurityFacts) : Finding list =
    [
        updateChannel facts
        updateAge facts
        pluginSignatures facts
        defaultCredentials facts
        tlsOnly facts
        unusedPlugins facts
        allowUnsigned facts
        cookies facts
        sessionTimeout facts
        lockout facts
        tokenLifetime facts
        outbound facts
        cloudLink facts
        firewall facts
        cameraZone facts
        managementSources facts
        plainHttp facts
        outboundAllowlist facts
    ]

let overall (findings: Finding list) =
    if findings |> List.exists (fun f -> f.Verdict = Fail) then
        Fail
    elif findings |> List.exists (fun f -> f.Verdict = Warn) then
        Warn
    else
        Pass

let verdictName (verdict: Verdict) =
    match verdict with
    | Pass -> "pass"
    | Warn -> "warn"
    | Fail -> "fail"

let private count verdict (findings: Finding list) =
    findings |> List.filter (fun f -> f.Verdict = verdict) |> List.length

let private cell (text: string) =
    text.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ")

let markdown (facts: SecurityFacts) (findings: Finding list) =
    let b = StringBuilder()
    let line (text: string) = b.Append(text).Append('\n') |> ignore
    line "# Security report"
    line ""

    line
        $"Generated {facts.Now.UtcDateTime:``yyyy-MM-dd HH:mm``} UTC. Overall: **{verdictName (overall findings)}** ({count Pass findings} pass, {count Warn findings} warn, {count Fail findings} fail). Controls: NIST SP 800-53 Rev. 5."

    for control, group in findings |> List.groupBy (fun f -> f.Control) do
        line ""
        line $"## {control} {controlNames.[control]}"
        line ""
        line "| check | verdict | evidence | fix |"
        line "|---|---|---|---|"

        for f in group do
            line $"| {cell f.Title} (`{f.Id}`) | {verdictName f.Verdict} | {cell f.Evidence} | {cell f.Fix} |"

    b.ToString()

let json (facts: SecurityFacts) (findings: Finding list) =
    use stream = new MemoryStream()

    (use w = new Utf8JsonWriter(stream, JsonWriterOptions(Indented = true))
     w.WriteStartObject()
     w.WriteString("generatedAt", facts.Now)
     w.WriteString("overall", verdictName (overall findings))
     w.WriteStartObject "counts"
     w.WriteNumber("pass", count Pass findings)
     w.WriteNumber("warn", count Warn findings)
     w.WriteNumber("fail", count Fail findings)
     w.WriteEndObject()
     w.WriteStartArray "findings"

     for f in findings do
         w.WriteStartObject()
         w.WriteString("id", f.Id)
         w.WriteString("control", f.Control)
         w.WriteString("controlName", f.ControlName)
         w.WriteString("title", f.Title)
         w.WriteString("verdict", verdictName f.Verdict)
         w.WriteString("evidence", f.Evidence)
         w.WriteString("fix", f.Fix)
         w.WriteEndObject()

     w.WriteEndArray()
     w.WriteEndObject())

    Encoding.UTF8.GetString(stream.ToArray())
