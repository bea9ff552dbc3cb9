/// Issue 15 item 5: the requirements list what is in use (whenKey switches), cameras on ports of their own, the
/// doctor's STUN server, config keys for the host's own rows, no IP address in the FQDN allowlist, "from -> to".
module Appliance.Core.Tests.RequirementsInUseTests

open Xunit
open Appliance.Core.Manifest
open Appliance.Core.Network
open Appliance.Core.Tests.TestData

let private discoveryManifestJson =
    """{
  "id": "appliance.discovery",
  "version": "1.0.0",
  "kind": "protocol",
  "name": "Discovery",
  "entryAssembly": "D.dll",
  "hostApi": "1.0",
  "config": {
    "ws": { "type": "boolean", "default": true },
    "mdns": { "type": "boolean", "default": false }
  },
  "network": [
    { "direction": "in", "transport": "udp", "port": 3702, "zone": "cameras", "purpose": "WS-Discovery", "required": false, "whenKey": "ws" },
    { "direction": "in", "transport": "udp", "port": 5353, "zone": "cameras", "purpose": "mDNS", "required": false, "whenKey": "mdns" },
    { "direction": "out", "transport": "tcp", "port": 554, "zone": "cameras", "purpose": "RTSP", "required": true }
  ],
  "capabilities": []
}"""

let private ports (entries: ResolvedEntry list) =
    entries |> List.map (fun r -> r.Entry.Port) |> List.sort

[<Fact>]
let ``an entry whose switch is off is not in use: left out of the footprint, kept in the declared one`` () =
    let m = parseOk discoveryManifestJson
    // The defaults: ws on, mdns off.
    Assert.Equal<PortSpec list>([ Port 554; Port 3702 ], ports (Footprint.resolve m (json "{}")))
    Assert.Equal<PortSpec list>([ Port 554 ], ports (Footprint.resolve m (json """{"ws": false}""")))

    Assert.Equal<PortSpec list>(
        [ Port 554; Port 3702; Port 5353 ],
        ports (Footprint.resolve m (json """{"mdns": true}"""))
    )

    Assert.Equal<PortSpec list>(
        [ Port 554; Port 3702; Port 5353 ],
        ports (Footprint.resolveDeclared m (json """{"ws": false}"""))
    )

    match Footprint.resolveChecked m (json """{"ws": false}""") with
    | Ok entries -> Assert.Equal<PortSpec list>([ Port 554 ], ports entries)
    | Error e -> failwithf "%A" e

[<Fact>]
let ``a switch row names its setting as the config key`` () =
    let m = parseOk discoveryManifestJson
    let rows = Requirements.build (Footprint.resolve m (json "{}"))
    let ws = rows |> List.find (fun r -> r.FirstPort = 3702)
    Assert.Equal(Some "ws", ws.ConfigKey)

let private camera name host rtsp onvif : Requirements.CameraPeer =
    {
        Name = name
        Host = host
        RtspPort = rtsp
        OnvifPort = onvif
    }

[<Fact>]
let ``a camera on a port of its own gets its row, one on a covered port none`` () =
    let m = parseOk discoveryManifestJson
    let footprint = Footprint.resolve m (json "{}")

    let cameras =
        [
            camera "Lobby" "10.1.2.3" (Some 8554) None
            camera "Gate" "10.1.2.4" (Some 554) (Some 8080)
            camera "Odd" "10.1.2.5" (Some 70000) None
        ]

    let extra = Requirements.cameraEntries cameras footprint

    Assert.Equal<(string * PortSpec * string option) list>(
        [
            "camera Lobby", Port 8554, Some "10.1.2.3"
            "camera Gate", Port 8080, Some "10.1.2.4"
        ],
        extra |> List.map (fun r -> r.Owner, r.Entry.Port, r.Entry.Fqdn)
    )

    Assert.All(
        extra,
        fun r ->
            Assert.Equal(Outbound, r.Entry.Direction)
            Assert.Equal(ZoneNames.Cameras, r.Entry.Zone)
    )

[<Fact>]
let ``the doctor's STUN server is a row of the host, and host rows name their setting`` () =
    let settings =
        { HostNetworkSettings.Defaults with
            Stun = Some("stun.example.net", 3478)
        }

    let rows = Requirements.build (Footprint.hostEntries settings)

    let stun = rows |> List.find (fun r -> r.Fqdn = Some "stun.example.net")

    Assert.Equal((Outbound, Udp, 3478), (stun.Direction, stun.Transport, stun.FirstPort))
    Assert.Equal(Some "appliance.network.doctor.stunServer", stun.ConfigKey)

    let portal = rows |> List.find (fun r -> r.FirstPort = 443 && r.Direction = Inbound)
    Assert.Equal(Some "appliance.http.httpsPort", portal.ConfigKey)

    Assert.Contains(
        "hostNetwork.stun.host: \"not a host\" is neither a fully qualified domain name nor an IP address",
        Footprint.validateHostSettings
            { settings with
                Stun = Some("not a host", 3478)
            }
        |> List.map string
    )

[<Fact>]
let ``an IP address is never in the FQDN allowlist`` () =
    let settings =
        { HostNetworkSettings.Defaults with
            Stun = Some("192.0.2.10", 3478)
            CloudBrokers = [ "2001:db8::5", 8883; "mqtt.example.net", 8883 ]
        }

    let allowlist = Requirements.fqdnAllowlist (Footprint.hostEntries settings)
    Assert.Contains("mqtt.example.net", allowlist)
    Assert.DoesNotContain("192.0.2.10", allowlist)
    Assert.DoesNotContain("2001:db8::5", allowlist)
    Assert.DoesNotContain("192.0.2.10", Requirements.allowlistText (Footprint.hostEntries settings))

[<Fact>]
let ``from and to name the zone's sources, the appliance's addresses, the peer and the group`` () =
    let m = parseOk discoveryManifestJson
    let rows = Requirements.build (Footprint.resolve m (json "{}"))

    let hostRows =
        Requirements.build (Footprint.hostEntries HostNetworkSettings.Defaults)

    let sources = Map [ "cameras", [ "10.1.0.0/16" ] ]
    let appliance = Map [ "cameras", [ "10.1.0.1" ] ]
    let ws = rows |> List.find (fun r -> r.FirstPort = 3702)
    let rtsp = rows |> List.find (fun r -> r.FirstPort = 554)
    let ntp = hostRows |> List.find (fun r -> r.FirstPort = 123)
    let dns = hostRows |> List.find (fun r -> r.FirstPort = 53)

    Assert.Equal(
        ({
            From = "cameras: 10.1.0.0/16"
            To = "appliance (10.1.0.1)"
        }
        : Requirements.Endpoints),
        Requirements.endpoints sources appliance ws
    )

    Assert.Equal(
        ({
            From = "appliance (10.1.0.1)"
            To = "cameras: 10.1.0.0/16"
        }
        : Requirements.Endpoints),
        Requirements.endpoints sources appliance rtsp
    )

    Assert.Equal(
        ({
            From = "appliance (every address)"
            To = "pool.ntp.org (uplink)"
        }
        : Requirements.Endpoints),
        Requirements.endpoints Map.empty Map.empty ntp
    )

    Assert.Equal("any network", (Requirements.endpoints Map.empty Map.empty dns).To)
