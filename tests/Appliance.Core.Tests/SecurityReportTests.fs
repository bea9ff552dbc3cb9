module Appliance.Core.Tests.SecurityReportTests

open System
open System.Text.Json
open Xunit
open Appliance.Core.Security.SecurityReport

let now = DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero)

let plugin id kind =
    {
        Id = id
        Version = "1.0.0"
        Kind = kind
        Signed = false
        Bundled = true
        Running = true
        Configured = true
    }

/// A hardened appliance: every check passes.
let hardened =
    {
        Now = now
        PluginRepositoryUrl = "https://plugins.example/stable"
        ImageUpdatesEnabled = true
        ImageVersion = "2.4.0"
        ImageInstalledAt = Nullable(now.AddDays -20.0)
        Plugins =
            [|
                plugin "appliance.rtsp" "protocol"
                { plugin "appliance.sms" "integration" with
                    Signed = true
                    Bundled = false
                }
            |]
        AllowUnsigned = false
        RepositoryAllowsPlainHttp = false
        Claimed = true
        LoopbackSetup = true
        UsersWithDefaultPassword = [||]
        HttpPort = 80
        HttpRedirectOnly = true
        TlsMinimum = "1.2"
        CookieSecure = true
        CookieHttpOnly = true
        CookieSameSiteStrict = true
        SessionIdleMinutes = 60.0
        SessionMaxHours = 12.0
        LoginThrottleFreeFailures = 5
        LoginThrottleMaxDelayMinutes = 15.0
        MaxTokenDays = 366.0
        Outbound =
            [|
                {
                    Owner = "appliance.sms"
                    Destination = "api.twilio.com"
                    Port = "443"
                    Purpose = "SMS"
                }
            |]
        CloudLinkEnabled = true
        CloudMutualTls = true
        FirewallEnforced = true
        FirewallErrors = [||]
        ManagementSources = [| "10.0.0.0/24" |]
        CameraInterfaces = [| "eth1" |]
        OutboundAllowlist = true
    }

let verdictOf id (facts: SecurityFacts) =
    (evaluate facts |> List.find (fun f -> f.Id = id)).Verdict

[<Fact>]
let ``a hardened appliance passes every check, each with its evidence and no fix`` () =
    let findings = evaluate hardened
    Assert.Equal(18, findings.Length)
    Assert.All(findings, fun f -> Assert.True((f.Verdict = Pass), $"{f.Id}: {f.Evidence}"))
    Assert.All(findings, fun f -> Assert.NotEmpty f.Evidence)
    Assert.All(findings, fun f -> Assert.Equal("", f.Fix))
    Assert.Equal(Pass, overall findings)

    Assert.Equal<string list>(
        [ "SI-2"; "CM-6"; "SC-23"; "CA-3"; "SC-7" ],
        findings |> List.map (fun f -> f.Control) |> List.distinct
    )

let weakenings: obj[] list =
    [
        [|
            "si2-update-channel"
            { hardened with
                ImageUpdatesEnabled = false
                PluginRepositoryUrl = ""
            }
            Fail
        |]
        [|
            "si2-update-channel"
            { hardened with
                PluginRepositoryUrl = " "
            }
            Warn
        |]
        [|
            "si2-update-age"
            { hardened with
                ImageInstalledAt = Nullable(now.AddDays -120.0)
            }
            Warn
        |]
        [|
            "si2-update-age"
            { hardened with
                ImageInstalledAt = Nullable(now.AddDays -400.0)
            }
            Fail
        |]
        [|
            "si2-update-age"
            { hardened with
                ImageInstalledAt = Nullable()
            }
            Warn
        |]
        [|
            "si2-plugin-signatures"
            { hardened with
                Plugins =
                    [|
                        { plugin "x.evil" "integration" with
                            Bundled = false
                        }
                    |]
            }
            Fail
        |]
        [| "cm6-default-credentials"; { hardened with Claimed = false }; Fail |]
        [|
            "cm6-default-credentials"
            { hardened with
                UsersWithDefaultPassword = [| "admin" |]
            }
            Fail
        |]
        [| "cm6-tls-only"; { hardened with TlsMinimum = "1.0" }; Fail |]
        [|
            "cm6-tls-only"
            { hardened with
                HttpRedirectOnly = false
            }
            Fail
        |]
        [|
            "cm6-unused-plugins"
            { hardened with
                Plugins =
                    [|
                        { plugin "appliance.webhooks" "integration" with
                            Configured = false
                        }
                    |]
            }
            Warn
        |]
        [| "cm6-allow-unsigned"; { hardened with AllowUnsigned = true }; Fail |]
        [|
            "cm6-allow-unsigned"
            { hardened with
                RepositoryAllowsPlainHttp = true
            }
            Warn
        |]
        [|
            "sc23-cookies"
            { hardened with
                CookieSameSiteStrict = false
            }
            Fail
        |]
        [|
            "sc23-session-timeout"
            { hardened with
                SessionIdleMinutes = 240.0
            }
            Warn
        |]
        [|
            "sc23-session-timeout"
            { hardened with
                SessionMaxHours = 24.0 * 30.0
            }
            Fail
        |]
        [|
            "sc23-lockout"
            { hardened with
                LoginThrottleFreeFailures = 0
            }
            Fail
        |]
        [| "sc23-token-lifetime"; { hardened with MaxTokenDays = 3650.0 }; Warn |]
        [|
            "ca3-outbound"
            { hardened with
                Outbound =
                    [|
                        { hardened.Outbound.[0] with
                            Destination = ""
                        }
                    |]
            }
            Warn
        |]
        [| "ca3-cloud-link"; { hardened with CloudMutualTls = false }; Fail |]
        [|
            "sc7-firewall"
            { hardened with
                FirewallEnforced = false
            }
            Fail
        |]
        [|
            "sc7-firewall"
            { hardened with
                FirewallErrors = [| "zones.interfaces[0].zone: unknown zone" |]
            }
            Fail
        |]
        [|
            "sc7-camera-zone"
            { hardened with
                CameraInterfaces = [||]
            }
            Warn
        |]
        [|
            "sc7-management-sources"
            { hardened with
                ManagementSources = [||]
            }
            Fail
        |]
        [|
            "sc7-plain-http"
            { hardened with
                HttpRedirectOnly = false
            }
            Fail
        |]
        [|
            "sc7-plain-http"
            { hardened with
                HttpPort = 0
                HttpRedirectOnly = false
            }
            Pass
        |]
        [|
            "sc7-outbound-allowlist"
            { hardened with
                OutboundAllowlist = false
            }
            Warn
        |]
    ]

[<Theory>]
[<MemberData(nameof weakenings)>]
let ``each weakened setting turns its own check, and only the checks that judge it``
    (id: string, facts: SecurityFacts, expected: Verdict)
    =
    let findings = evaluate facts
    let f = findings |> List.find (fun f -> f.Id = id)
    Assert.Equal(expected, f.Verdict)

    if expected <> Pass then
        Assert.NotEmpty f.Fix

    // Everything not judging the changed setting still passes.
    let others =
        findings |> List.filter (fun x -> x.Verdict <> Pass) |> List.map (fun x -> x.Id)

    Assert.True(others.Length <= 3 && (expected = Pass || List.contains id others), sprintf "%s: %A" id others)

[<Fact>]
let ``the evidence names what it saw`` () =
    let weak =
        { hardened with
            Plugins =
                [|
                    { plugin "x.evil" "integration" with
                        Bundled = false
                        Version = "6.6.6"
                    }
                |]
            ManagementSources = [||]
        }

    let findings = evaluate weak

    let evidence id =
        (findings |> List.find (fun f -> f.Id = id)).Evidence

    Assert.Contains("x.evil 6.6.6 (UNSIGNED)", evidence "si2-plugin-signatures")
    Assert.Contains("managementSources is empty", evidence "sc7-management-sources")
    Assert.Contains("api.twilio.com:443", evidence "ca3-outbound")
    Assert.Contains("20 days ago", evidence "si2-update-age")

[<Fact>]
let ``markdown has a table per control and escapes pipes, json lists every finding with counts`` () =
    let weak =
        { hardened with
            FirewallErrors = [| "a | b" |]
            AllowUnsigned = true
        }

    let findings = evaluate weak
    let md = markdown weak findings
    Assert.StartsWith("# Security report", md)
    Assert.Contains("Overall: **fail**", md)

    for control in [ "SI-2 Flaw remediation"; "CM-6"; "SC-23"; "CA-3"; "SC-7 Boundary protection" ] do
        Assert.Contains($"## {control}", md)

    Assert.Contains("a \\| b", md)
    let json = JsonDocument.Parse(json weak findings).RootElement
    Assert.Equal("fail", json.GetProperty("overall").GetString())
    Assert.Equal(2, json.GetProperty("counts").GetProperty("fail").GetInt32())
    Assert.Equal(18, json.GetProperty("findings").GetArrayLength())
    let first = json.GetProperty("findings").[0]

    for name in [ "id"; "control"; "controlName"; "title"; "verdict"; "evidence"; "fix" ] do
        Assert.True(first.TryGetProperty(name) |> fst, name)
