module Appliance.Core.Tests.RequirementsTests

open System
open System.IO
open Xunit
open Appliance.Core.Manifest
open Appliance.Core.Network
open Appliance.Core.Tests.TestData

/// A cloud-link plugin: outbound FQDNs, STUN, a loopback-only entry, and a purpose with CSV/Markdown specials.
let private cloudManifestJson =
    """{
  "id": "appliance.cloud",
  "version": "2.0.0",
  "kind": "integration",
  "name": "Cloud relay",
  "entryAssembly": "Appliance.Plugins.Cloud.Plugin.dll",
  "hostApi": "1.0",
  "network": [
    { "direction": "out", "transport": "tcp", "port": 443, "zone": "uplink", "fqdn": "relay.example.net",
      "purpose": "Video relay, \"outbound only\" | no port forwarding", "required": true },
    { "direction": "out", "transport": "tcp", "port": 443, "zone": "uplink", "fqdn": "api.example.net",
      "purpose": "REST API, licensing", "required": true },
    { "direction": "out", "transport": "udp", "port": 3478, "zone": "uplink", "fqdn": "stun.example.net",
      "purpose": "=STUN binding for peer-to-peer video", "required": false },
    { "direction": "in", "transport": "tcp", "port": 9100, "zone": "local", "purpose": "Local metrics for the host",
      "required": true }
  ]
}"""

let private entriesWith (rtspSection: string) =
    let plugin text section =
        let m = parseOk text

        match ConfigSchema.resolve m.Config (Some(json section)) with
        | Ok config -> Footprint.resolve m config
        | Error e -> failwithf "%A" e

    Footprint.hostEntries HostNetworkSettings.Defaults
    @ plugin rtspManifestJson rtspSection
    @ plugin onvifManifestJson """{"bridge": {"rtspPort": 8555}}"""
    @ plugin cloudManifestJson "{}"

let private fixedEntries = entriesWith "{}"

/// Compares with golden/<name>; with UPDATE_GOLDEN=1 rewrites the file in the source tree instead.
let private golden (name: string) (actual: string) =
    if Environment.GetEnvironmentVariable "UPDATE_GOLDEN" = "1" then
        File.WriteAllText(sourcePath $"golden/{name}", actual)
    else
        let expected = File.ReadAllText(dataPath $"golden/{name}")
        Assert.Equal(expected, actual)

[<Fact>]
let ``the fixed input has no collisions`` () =
    Assert.Empty(Footprint.collisions fixedEntries)

[<Fact>]
let ``markdown page matches the golden file`` () =
    golden "requirements.md" (Requirements.toMarkdown (Requirements.build fixedEntries))

[<Fact>]
let ``json matches the golden file`` () =
    golden "requirements.json" (Requirements.toJson (Requirements.build fixedEntries))

[<Fact>]
let ``csv matches the golden file`` () =
    golden "requirements.csv" (Requirements.toCsv (Requirements.build fixedEntries))

[<Fact>]
let ``allowlist matches the golden file`` () =
    golden "allowlist.txt" (Requirements.allowlistText fixedEntries)

[<Fact>]
let ``rows: inbound first, then by port; loopback-only entries left out`` () =
    let rows = Requirements.build fixedEntries
    let firstOutbound = rows |> List.findIndex (fun r -> r.Direction = Outbound)
    Assert.True(rows |> List.take firstOutbound |> List.forall (fun r -> r.Direction = Inbound))
    Assert.True(rows |> List.skip firstOutbound |> List.forall (fun r -> r.Direction = Outbound))

    for part in [ List.take firstOutbound rows; List.skip firstOutbound rows ] do
        let ports = part |> List.map (fun r -> r.FirstPort)
        Assert.Equal<int list>(List.sort ports, ports)

    Assert.DoesNotContain(rows, fun r -> r.Zone = ZoneNames.Local)
    Assert.Equal(fixedEntries.Length - 1, rows.Length)

[<Fact>]
let ``changing a port in a plugin's configuration changes the table`` () =
    let before = Requirements.build fixedEntries
    let after = Requirements.build (entriesWith """{"port": 10554}""")

    let rtspInbound (rows: Requirements.RequirementRow list) =
        rows
        |> List.filter (fun r -> r.Owner = "appliance.rtsp" && r.Direction = Inbound)

    Assert.Equal<string list>([ "554" ], rtspInbound before |> List.map (fun r -> r.Ports))
    Assert.Equal<string list>([ "10554" ], rtspInbound after |> List.map (fun r -> r.Ports))
    Assert.Contains("| inbound | TCP | 10554 | site |", Requirements.toMarkdown after)
    Assert.DoesNotContain("| inbound | TCP | 554 | site |", Requirements.toMarkdown after)
    Assert.Contains("inbound,tcp,10554,site,", Requirements.toCsv after)

[<Fact>]
let ``CSV quotes commas, quotes and line breaks per RFC 4180, and defuses formulas`` () =
    Assert.Equal("plain", Requirements.csvField "plain")
    Assert.Equal("\"a,b\"", Requirements.csvField "a,b")
    Assert.Equal("\"say \"\"hi\"\"\"", Requirements.csvField "say \"hi\"")
    Assert.Equal("\"two\r\nlines\"", Requirements.csvField "two\r\nlines")
    Assert.Equal("'=1+1", Requirements.csvField "=1+1")
    Assert.Equal("\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"", Requirements.csvField "=HYPERLINK(\"x\",\"y\")")
    Assert.Equal("", Requirements.csvField "")

    let csv = Requirements.toCsv (Requirements.build fixedEntries)
    Assert.Contains("\"Video relay, \"\"outbound only\"\" | no port forwarding\"", csv)
    Assert.Contains("'=STUN binding for peer-to-peer video", csv)
    // Every record ends with CRLF and has the header's number of fields once quoted fields are accounted for.
    Assert.EndsWith("\r\n", csv)
    Assert.DoesNotContain("\n", csv.Replace("\r\n", ""))

[<Fact>]
let ``markdown escapes pipes and HTML from plugin text`` () =
    let md = Requirements.toMarkdown (Requirements.build fixedEntries)
    Assert.Contains("Video relay, \"outbound only\" \\| no port forwarding", md)

    let hostile =
        [
            {
                Owner = "x.evil"
                Entry =
                    {
                        Direction = Outbound
                        Transport = Tcp
                        Port = Port 443
                        Zone = "uplink"
                        Fqdn = Some "a.example.net"
                        Purpose = "<script>alert(1)</script> & more"
                        Required = true
                        ConfigKey = None
                        FromConfig = None
                        WhenKey = None
                        Multicast = None
                    }
            }
        ]

    let page = Requirements.toMarkdown (Requirements.build hostile)
    Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more", page)
    Assert.DoesNotContain("<script>", page)

[<Fact>]
let ``FQDN allowlist: outbound names only, without repeats, sorted`` () =
    Assert.Equal<string list>(
        [
            "api.example.net"
            "mqtt.appliance.example"
            "pool.ntp.org"
            "relay.example.net"
            "stun.example.net"
            "updates.appliance.example"
        ],
        Requirements.fqdnAllowlist fixedEntries
    )

    let text = Requirements.allowlistText fixedEntries
    Assert.Contains("updates.appliance.example:80/tcp\nupdates.appliance.example:443/tcp\n", text)
    Assert.Contains("relay.example.net:443/tcp\nrelay.example.net:49152-65535/tcp\n", text)
    Assert.Contains("stun.example.net:3478/udp\n", text)

[<Fact>]
let ``no plugins: the page still lists the host's own needs`` () =
    let md =
        Requirements.toMarkdown (Requirements.build (Footprint.hostEntries HostNetworkSettings.Defaults))

    Assert.StartsWith("# Network requirements\n", md)
    Assert.Contains("(appliance.host)", md)
    Assert.Contains("| inbound | TCP | 443 | site |", md)
    Assert.DoesNotContain("Multicast:", md)

[<Fact>]
let ``an empty footprint renders without failing`` () =
    let md = Requirements.toMarkdown []
    Assert.Contains("The appliance connects to no host by name", md)

    Assert.Equal(
        "direction,transport,ports,zone,fqdn,multicast,purpose,required,owner,config_key\r\n",
        Requirements.toCsv []
    )

    Assert.Equal("{\n  \"requirements\": [],\n  \"fqdnAllowlist\": []\n}\n", Requirements.toJson [])
