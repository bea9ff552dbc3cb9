module Appliance.Firewall.Tests.Core.FirewallTests

open System
open System.IO
open Xunit
open Appliance.Core.Manifest
open Appliance.Core.Network
open Appliance.Core.Network.Zones
open Appliance.Firewall.Tests.Policies

/// Golden files live in the source tree; set UPDATE_GOLDEN=1 to rewrite them after a deliberate change.
let goldenDirectory = Path.Combine(__SOURCE_DIRECTORY__, "..", "golden")

let compileOk policy entries =
    match Firewall.compile policy entries with
    | Ok text -> text
    | Error e -> failwithf "expected a ruleset, got %A" e

let compileErrors policy entries =
    match Firewall.compile policy entries with
    | Ok text -> failwithf "expected errors, got\n%s" text
    | Error errors -> errors |> List.map string

let goldenNames: obj array list =
    goldenCases |> List.map (fun (name, _, _) -> [| name :> obj |])

[<Theory>]
[<MemberData(nameof goldenNames)>]
let ``compiled ruleset matches its golden file`` (name: string) =
    let _, policy, footprint = goldenCases |> List.find (fun (n, _, _) -> n = name)
    let text = compileOk policy footprint
    let path = Path.Combine(goldenDirectory, name)

    if Environment.GetEnvironmentVariable "UPDATE_GOLDEN" = "1" then
        File.WriteAllText(path, text)

    Assert.Equal(File.ReadAllText path, text)

[<Fact>]
let ``output does not depend on the order of the footprint`` () =
    let forward = compileOk allowlist typicalFootprint
    let backward = compileOk allowlist (List.rev typicalFootprint)

    let shuffled =
        compileOk allowlist (typicalFootprint |> List.sortBy (fun r -> r.Entry.Purpose.GetHashCode()))

    Assert.Equal(forward, backward)
    Assert.Equal(forward, shuffled)

[<Fact>]
let ``the file starts with the atomic replace idiom and holds exactly one table`` () =
    let text = compileOk siteDefault typicalFootprint
    Assert.StartsWith("table inet appliance {}\ndelete table inet appliance\n", text)
    let tables = text.Split('\n') |> Array.filter (fun l -> l.StartsWith "table ")
    Assert.Equal<string[]>([| "table inet appliance {}"; "table inet appliance {" |], tables)

[<Fact>]
let ``every rule carries a comment naming its owner`` () =
    let text = compileOk allowlist typicalFootprint

    let rules =
        text.Split('\n')
        |> Array.map (fun l -> l.Trim())
        |> Array.filter (fun l -> l.EndsWith "\"" && (l.Contains " accept " || l.Contains " drop "))

    Assert.NotEmpty rules

    let ruleLines =
        text.Split('\n')
        |> Array.filter (fun l -> l.Contains " accept" || l.Contains " drop ")

    Assert.Equal(ruleLines.Length, rules.Length)

    for r in rules do
        Assert.Matches("comment \"(appliance\\.[a-z.]+): [^\"]+\"$", r)

[<Fact>]
let ``a port collision between two plugins names both`` () =
    let entries =
        [
            inbound "appliance.rtsp" Tcp (Port 554) "site" "RTSP server"
            inbound "appliance.vms" Tcp (Port 554) "site" "VMS stream"
            inbound "appliance.other" Udp (Port 554) "site" "UDP on the same number is no collision"
        ]

    let errors = compileErrors siteDefault entries

    Assert.Equal<string list>(
        [
            "network.appliance.vms[0]: port collision: tcp 554 is declared inbound by both \"appliance.rtsp\" (RTSP server) and \"appliance.vms\" (VMS stream); two plugins cannot listen on one port"
        ],
        errors
    )

[<Fact>]
let ``an overlapping range collides too, but one plugin may declare a port for several zones`` () =
    let entries =
        [
            inbound "appliance.webrtc" Udp (PortRange(50000, 50100)) "any" "ICE"
            inbound "appliance.sip" Udp (Port 50050) "site" "SIP media"
            inbound "appliance.rtsp" Tcp (Port 554) "site" "RTSP for the VMS"
            inbound "appliance.rtsp" Tcp (Port 554) "uplink" "RTSP for the cloud VMS"
        ]

    let errors = compileErrors siteDefault entries

    Assert.Equal<string list>(
        [
            "network.appliance.sip[0]: port collision: udp 50050 is declared inbound by both \"appliance.webrtc\" (ICE) and \"appliance.sip\" (SIP media); two plugins cannot listen on one port"
        ],
        errors
    )

[<Fact>]
let ``invalid entries are reported with owner and index`` () =
    let policy =
        { siteDefault with
            OutboundAllowlist = true
        }

    let entries =
        [
            inbound "appliance.a" Tcp (Port 0) "site" "ephemeral"
            inbound "appliance.a" Tcp (Port 70000) "site" "too high"
            inbound "appliance.a" Udp (PortRange(6000, 5000)) "site" "reversed"
            inbound "appliance.b" Tcp (Port 81) "camras" "typo"
            outbound "appliance.c" Tcp (Port 443) "uplink" "wildcard"
            |> withFqdn "*.example.com"
            outbound "appliance.c" Tcp (Port 443) "uplink" "injection"
            |> withFqdn "a.com } ; flush ruleset"
            inbound "" Tcp (Port 82) "site" "ownerless"
        ]

    let errors = compileErrors policy entries

    let expected =
        [
            "network.appliance.a[0]: port 0 is not a TCP/UDP port (1-65535); the firewall cannot open it"
            "network.appliance.a[1]: port 70000 is not a TCP/UDP port (1-65535); the firewall cannot open it"
            "network.appliance.a[2]: port range 6000-5000 is not a valid range within 1-65535"
            "network.appliance.b[0]: zone \"camras\" is not a defined zone (defined: cameras, site, uplink, any, local, management)"
            "network.appliance.c[0]: FQDN \"*.example.com\" is not a host name that can be resolved into an allowlist set (lower-case labels, no wildcard)"
            "network.appliance.c[1]: FQDN \"a.com } ; flush ruleset\" is not a host name that can be resolved into an allowlist set (lower-case labels, no wildcard)"
            "network.(no owner)[0]: the entry has no owning plugin"
        ]

    Assert.Equal<string list>(List.sort expected, List.sort errors)

[<Fact>]
let ``hostile purpose text cannot break out of its comment`` () =
    let nasty =
        "x\" accept\n}\ntable ip evil { chain c { type filter hook input priority 0; policy accept; } }\\ \u00e9"
        + String('a', 300)

    let text =
        compileOk siteDefault [ inbound "appliance.evil" Tcp (Port 1234) "site" nasty ]

    let line = text.Split('\n') |> Array.find (fun l -> l.Contains "dport 1234")
    Assert.DoesNotContain("table ip evil", text.Replace(line, ""))
    let comment = line.Substring(line.IndexOf "comment \"" + 9)
    Assert.Equal(1, comment.Split('"').Length - 1) // only the closing quote
    Assert.True(comment.Length - 1 <= 128, $"comment is {comment.Length - 1} characters")
    Assert.All(comment, fun c -> Assert.InRange(c, ' ', '~'))

[<Fact>]
let ``entries for a zone without interfaces are noted, not opened`` () =
    let text = compileOk minimal minimalFootprint
    // outbound entries are only noted when outbound traffic is allow-listed
    Assert.DoesNotContain("# note: appliance.cloud", text)

    Assert.Contains(
        "# note: appliance.onvif: udp 3702 inbound (WS-Discovery replies from cameras) is for zone cameras, which has no interface; not opened",
        text
    )

    Assert.DoesNotContain("dport 3702", text)

[<Fact>]
let ``management ports are source-restricted per family and never open on cameras`` () =
    let text = compileOk allowlist typicalFootprint

    let portal =
        text.Split('\n')
        |> Array.filter (fun l -> l.Contains "tcp dport 443 accept" && l.Contains "iifname")
    // IPv4 management sources only: no IPv6 rule for the portal, and none on the camera interface
    Assert.Equal<string[]>(
        [|
            "\t\tiifname { \"eth2\", \"eth3\" } ip saddr @mgmt_v4 tcp dport 443 accept comment \"appliance.host: portal (HTTPS) (zone site, management sources only)\""
            "\t\tiifname { \"eth0\" } ip saddr @mgmt_v4 tcp dport 443 accept comment \"appliance.host: portal (HTTPS) (zone uplink, management sources only)\""
        |],
        portal
    )

[<Fact>]
let ``fqdn sets are listed for the refresher only in allowlist mode`` () =
    let names policy =
        match Firewall.fqdnSets policy typicalFootprint with
        | Ok sets -> sets |> List.map (fun s -> s.Fqdn, s.SetV4, s.SetV6)
        | Error e -> failwithf "%A" e

    Assert.Empty(names siteDefault)

    Assert.Equal<(string * string * string) list>(
        [
            "cloud.example.com", "fqdn_cloud_example_com_v4", "fqdn_cloud_example_com_v6"
            "updates.example.com", "fqdn_updates_example_com_v4", "fqdn_updates_example_com_v6"
        ],
        names allowlist
    )

[<Fact>]
let ``fqdn set names stay unique and short`` () =
    let longName = String.replicate 5 "abcdefghij." + "example.com"

    let entries =
        [
            outbound "appliance.a" Tcp (Port 443) "uplink" "a" |> withFqdn "a-b.example.com"
            outbound "appliance.a" Tcp (Port 443) "uplink" "b" |> withFqdn "a.b.example.com"
            outbound "appliance.a" Tcp (Port 443) "uplink" "c" |> withFqdn longName
        ]

    match Firewall.fqdnSets allowlist entries with
    | Error e -> failwithf "%A" e
    | Ok sets ->
        let v4 = sets |> List.map (fun s -> s.SetV4)
        Assert.Equal(3, List.distinct v4 |> List.length)

        Assert.All(
            v4,
            fun n ->
                Assert.Matches("^fqdn_[a-z0-9_]+_v4$", n)
                Assert.InRange(n.Length, 1, 70)
        )

[<Fact>]
let ``the host's ruleset opens 22/tcp only while SSH is enabled, and only in its zones`` () =
    let ruleset sshZones =
        compileOk
            siteDefault
            (Footprint.hostEntries
                { HostNetworkSettings.Defaults with
                    SshZones = sshZones
                })

    let sshRules (text: string) =
        text.Split('\n') |> Array.filter (fun l -> l.Contains "dport 22 ")

    Assert.Empty(sshRules (ruleset []))
    let on = sshRules (ruleset [ "site" ])
    Assert.NotEmpty on
    Assert.All(on, fun l -> Assert.Contains("iifname { \"eth2\" }", l))
    Assert.All(on, fun l -> Assert.Contains("tcp dport 22 accept", l))
    Assert.All(sshRules (ruleset [ "site"; "uplink" ]), fun l -> Assert.DoesNotContain("\"eth1\"", l))
    Assert.Contains(sshRules (ruleset [ "site"; "uplink" ]), fun l -> l.Contains "iifname { \"eth0\" }")
