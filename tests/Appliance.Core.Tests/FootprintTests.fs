module Appliance.Core.Tests.FootprintTests

open Xunit
open Appliance.Core.Manifest
open Appliance.Core.Network
open Appliance.Core.Tests.TestData

let private configOf (m: PluginManifest) (section: string) =
    match ConfigSchema.resolve m.Config (Some(json section)) with
    | Ok c -> c
    | Error e -> failwithf "%A" e

[<Fact>]
let ``resolve applies the configured port and keeps the others`` () =
    let m = parseOk rtspManifestJson
    let entries = Footprint.resolve m (configOf m """{"port": 8554}""")

    Assert.Equal<PortSpec list>(
        [ Port 8554; Port 3702; PortRange(49152, 65535) ],
        entries |> List.map (fun r -> r.Entry.Port)
    )

    Assert.All(entries, fun r -> Assert.Equal("appliance.rtsp", r.Owner))

[<Fact>]
let ``resolve uses the default when the section leaves the port out`` () =
    let m = parseOk rtspManifestJson
    let entries = Footprint.resolve m (configOf m "{}")
    Assert.Equal(Port 554, entries[0].Entry.Port)

[<Fact>]
let ``resolve keeps the declared port when the configured value is not a port`` () =
    let m = parseOk rtspManifestJson
    // Not validated against the schema: resolve must still never produce an impossible port.
    for bad in
        [
            """{"port": 70000}"""
            """{"port": -1}"""
            """{"port": "8554"}"""
            """{"port": 1e300}"""
        ] do
        Assert.Equal(Port 554, (List.head (Footprint.resolve m (json bad))).Entry.Port)

[<Fact>]
let ``resolve with no usable configuration keeps the declared ports`` () =
    let m = parseOk rtspManifestJson
    let declared = m.Network |> List.map (fun e -> e.Port)
    let undefinedConfig = Unchecked.defaultof<System.Text.Json.JsonElement>
    Assert.Equal<PortSpec list>(declared, Footprint.resolve m undefinedConfig |> List.map (fun r -> r.Entry.Port))
    Assert.Equal<PortSpec list>(declared, Footprint.resolve m (json "[1, 2]") |> List.map (fun r -> r.Entry.Port))

[<Fact>]
let ``two plugins listening on 554 collide, with a sentence naming both`` () =
    let rtsp = parseOk rtspManifestJson
    let onvif = parseOk onvifManifestJson

    let entries =
        Footprint.resolve rtsp (configOf rtsp "{}")
        @ Footprint.resolve onvif (configOf onvif "{}")

    Assert.Equal<string list>(
        [ "network: appliance.onvif and appliance.rtsp both want tcp/554 inbound" ],
        Footprint.collisions entries |> List.map string
    )

    // Moving one of them by configuration resolves it.
    let moved =
        Footprint.resolve rtsp (configOf rtsp """{"port": 8554}""")
        @ Footprint.resolve onvif (configOf onvif "{}")

    Assert.Empty(Footprint.collisions moved)

[<Fact>]
let ``collisions report the overlapping part of ranges, and ignore outbound, other transports and port 0`` () =
    let entry = Generators.resolvedEntry

    let entries =
        [
            entry "a.one" Inbound Udp (PortRange(50000, 50100))
            entry "b.two" Inbound Udp (PortRange(50050, 60000))
            entry "b.two" Inbound Tcp (Port 50060)
            entry "c.three" Outbound Udp (Port 50070)
            entry "c.three" Inbound Tcp (Port 0)
            entry "d.four" Inbound Tcp (Port 0)
            entry "a.one" Inbound Udp (Port 50080)
        ]

    Assert.Equal<string list>(
        [
            "network: a.one and b.two both want udp/50050-50100 inbound"
            "network: a.one and b.two both want udp/50080 inbound"
        ],
        Footprint.collisions entries |> List.map string
    )

[<Fact>]
let ``a plugin that wants the portal port collides with the host`` () =
    let m =
        parseOk (
            rtspManifestJson.Replace("\"port\": 554", "\"port\": 443").Replace("\"default\": 554", "\"default\": 443")
        )

    let entries =
        Footprint.hostEntries HostNetworkSettings.Defaults
        @ Footprint.resolve m (configOf m "{}")

    Assert.Equal<string list>(
        [ "network: appliance.host and appliance.rtsp both want tcp/443 inbound" ],
        Footprint.collisions entries |> List.map string
    )

[<Fact>]
let ``host entries: portal in, DNS, NTP, updates, MQTT out, each with a purpose`` () =
    let entries = Footprint.hostEntries HostNetworkSettings.Defaults

    let summary =
        entries
        |> List.map (fun r ->
            let e = r.Entry
            let dir = if e.Direction = Inbound then "in" else "out"
            let proto = if e.Transport = Tcp then "tcp" else "udp"
            $"""{dir} {proto} {e.Port} {e.Zone} {defaultArg e.Fqdn "-"} {e.Required}""")

    Assert.Equal<string list>(
        [
            "in tcp Port 443 site - True"
            "in tcp Port 80 site - False"
            "out udp Port 53 any - True"
            "out tcp Port 53 any - True"
            "out udp Port 123 uplink pool.ntp.org True"
            "out tcp Port 443 uplink updates.appliance.example True"
            "out tcp Port 80 uplink updates.appliance.example False"
            "out tcp Port 8883 uplink mqtt.appliance.example False"
        ],
        summary
    )

    Assert.All(entries, fun r -> Assert.Equal(Footprint.HostOwner, r.Owner))
    Assert.All(entries, fun r -> Assert.True(r.Entry.Purpose.Length > 20, r.Entry.Purpose))
    Assert.Empty(Footprint.validateHostSettings HostNetworkSettings.Defaults)

[<Fact>]
let ``host entries follow the settings: dev ports, no redirect, several NTP servers, a proxy`` () =
    let settings =
        { HostNetworkSettings.Defaults with
            HttpsPort = 8443
            HttpPort = None
            NtpServers = [ "0.debian.pool.ntp.org"; "1.debian.pool.ntp.org" ]
            CloudMqttFqdn = None
            Proxy =
                Some
                    {
                        Host = "proxy.corp.example"
                        Port = 3128
                        Zone = "site"
                    }
        }

    let entries = Footprint.hostEntries settings
    let inbound = entries |> List.filter (fun r -> r.Entry.Direction = Inbound)
    Assert.Equal<PortSpec list>([ Port 8443 ], inbound |> List.map (fun r -> r.Entry.Port))
    Assert.Equal(2, entries |> List.filter (fun r -> r.Entry.Port = Port 123) |> List.length)
    Assert.DoesNotContain(entries, fun r -> r.Entry.Port = Port 8883)

    let proxy = entries |> List.find (fun r -> r.Entry.Fqdn = Some "proxy.corp.example")
    Assert.Equal(Port 3128, proxy.Entry.Port)
    Assert.Equal("site", proxy.Entry.Zone)

    let update =
        entries
        |> List.find (fun r -> r.Entry.Port = Port 443 && r.Entry.Direction = Outbound)

    Assert.Equal(
        "Software and plugin updates over HTTPS (through the proxy proxy.corp.example:3128)",
        update.Entry.Purpose
    )

[<Fact>]
let ``the cloud link's configured brokers replace the default cloud entry, and bad ones are named`` () =
    let settings =
        { HostNetworkSettings.Defaults with
            CloudBrokers = [ "mqtt-a.fleet.example", 8883; "10.20.0.7", 443; "mqtt-a.fleet.example", 8883 ]
        }

    let cloud =
        Footprint.hostEntries settings
        |> List.filter (fun r -> r.Entry.Purpose.StartsWith "Cloud link")
        |> List.map (fun r -> r.Entry.Fqdn, r.Entry.Port)

    Assert.Equal<(string option * PortSpec) list>(
        [ Some "mqtt-a.fleet.example", Port 8883; Some "10.20.0.7", Port 443 ],
        cloud
    )

    Assert.Empty(Footprint.validateHostSettings settings)

    let bad =
        { HostNetworkSettings.Defaults with
            CloudBrokers = [ "not a host", 8883; "mqtt.fleet.example", 0 ]
        }

    Assert.Equal<string list>(
        [
            "hostNetwork.cloudBrokers[0]: \"not a host\" is neither a fully qualified domain name nor an IP address"
            "hostNetwork.cloudBrokers[1]: 0 is not a TCP port"
        ],
        Footprint.validateHostSettings bad |> List.map string
    )

[<Fact>]
let ``bad host settings are named`` () =
    let settings =
        { HostNetworkSettings.Defaults with
            HttpsPort = 0
            HttpPort = Some 0
            ManagementZone = "Site LAN"
            NtpServers = [ "pool..ntp.org" ]
            Proxy =
                Some
                    {
                        Host = "proxy.corp.example"
                        Port = 70000
                        Zone = "site"
                    }
        }

    Assert.Equal<string list>(
        [
            "hostNetwork.httpsPort: 0 is not a TCP port"
            "hostNetwork.httpPort: 0 is not a TCP port"
            "hostNetwork.managementZone: is not a zone name"
            "hostNetwork.ntpServers[0]: \"pool..ntp.org\" is not a fully qualified domain name"
            "hostNetwork.proxy.port: 70000 is not a TCP port"
        ],
        Footprint.validateHostSettings settings |> List.map string
    )

[<Fact>]
let ``a configured directory is one outbound TCP entry of the host, and a bad one is named`` () =
    Assert.DoesNotContain(
        Footprint.hostEntries HostNetworkSettings.Defaults,
        fun r -> r.Entry.Purpose.StartsWith "Directory logins"
    )

    let directory: DirectoryPeer =
        {
            Host = "dc1.corp.example"
            Port = 636
            Zone = "site"
        }

    let entries =
        Footprint.hostEntries
            { HostNetworkSettings.Defaults with
                Directory = Some directory
            }

    let entry =
        (entries |> List.find (fun r -> r.Entry.Purpose.StartsWith "Directory logins")).Entry

    Assert.Equal(Outbound, entry.Direction)
    Assert.Equal(Tcp, entry.Transport)
    Assert.Equal(Port 636, entry.Port)
    Assert.Equal(Some "dc1.corp.example", entry.Fqdn)
    Assert.Equal("site", entry.Zone)

    Assert.Empty(
        Footprint.validateHostSettings
            { HostNetworkSettings.Defaults with
                Directory = Some { directory with Host = "10.1.2.3" }
            }
    )

    let bad (d: DirectoryPeer) =
        Footprint.validateHostSettings
            { HostNetworkSettings.Defaults with
                Directory = Some d
            }
        |> List.map string

    Assert.Equal<string list>(
        [
            "hostNetwork.directory.host: \"dc1\" is neither a fully qualified domain name nor an IP address"
        ],
        bad { directory with Host = "dc1" }
    )

    Assert.Equal<string list>([ "hostNetwork.directory.port: 0 is not a TCP port" ], bad { directory with Port = 0 })

    Assert.Equal<string list>(
        [ "hostNetwork.directory.zone: is not a zone name" ],
        bad { directory with Zone = "Site LAN" }
    )

[<Fact>]
let ``SSH is in the host's footprint only with zones, once per zone, and a bad zone is named`` () =
    let ssh (s: HostNetworkSettings) =
        Footprint.hostEntries s
        |> List.filter (fun r -> r.Entry.Port = Port Footprint.SshPort)

    Assert.Empty(ssh HostNetworkSettings.Defaults)

    let on =
        ssh
            { HostNetworkSettings.Defaults with
                SshZones = [ "site"; "site"; "uplink" ]
            }

    Assert.Equal<string list>([ "site"; "uplink" ], on |> List.map (fun r -> r.Entry.Zone))
    Assert.All(on, fun r -> Assert.True((r.Entry.Direction = Inbound && r.Entry.Transport = Tcp)))

    Assert.Equal<string list>(
        [ "hostNetwork.sshZones[0]: is not a zone name" ],
        Footprint.validateHostSettings
            { HostNetworkSettings.Defaults with
                SshZones = [ "Site LAN" ]
            }
        |> List.map string
    )
