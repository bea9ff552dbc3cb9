/// Sample zone policies and footprints: the inputs of the golden files and of the namespace enforcement test.
module Appliance.Firewall.Tests.Policies

open Appliance.Core.Manifest
open Appliance.Core.Network
open Appliance.Core.Network.Zones

let entry owner direction transport port zone purpose =
    {
        Owner = owner
        Entry =
            {
                Direction = direction
                Transport = transport
                Port = port
                Zone = zone
                Fqdn = None
                Purpose = purpose
                Required = true
                ConfigKey = None
                FromConfig = None
                WhenKey = None
                Multicast = None
            }
    }

let inbound owner transport port zone purpose =
    entry owner Inbound transport port zone purpose

let outbound owner transport port zone purpose =
    entry owner Outbound transport port zone purpose

let withFqdn fqdn (r: ResolvedEntry) =
    { r with
        Entry = { r.Entry with Fqdn = Some fqdn }
    }

let policyOf (config: ZoneConfig) =
    match validate config with
    | Ok p -> p
    | Error e -> failwithf "sample policy is invalid: %A" e

/// A typical footprint: host portal, ONVIF, RTSP, WebRTC, media process, cloud link.
let typicalFootprint =
    [
        inbound "appliance.host" Tcp (Port 443) Management "portal (HTTPS)"
        inbound "appliance.host" Tcp (Port 80) Management "portal (HTTP, redirects to HTTPS)"
        outbound "appliance.host" Udp (Port 123) ZoneNames.Any "NTP"
        outbound "appliance.host" Tcp (Port 443) ZoneNames.Uplink "updates"
        |> withFqdn "updates.example.com"
        outbound "appliance.cloud" Tcp (Port 8883) ZoneNames.Uplink "MQTT cloud link"
        |> withFqdn "cloud.example.com"
        inbound "appliance.onvif" Udp (Port 3702) ZoneNames.Cameras "WS-Discovery replies from cameras"
        inbound "appliance.onvif" Tcp (Port 8089) ZoneNames.Cameras "ONVIF event notifications"
        outbound "appliance.onvif" Udp (Port 3702) ZoneNames.Cameras "WS-Discovery probes"
        outbound "appliance.onvif" Tcp (Port 80) ZoneNames.Cameras "ONVIF device service"
        outbound "appliance.rtsp" Tcp (Port 554) ZoneNames.Cameras "RTSP pull from cameras"
        inbound "appliance.rtsp" Tcp (Port 8554) ZoneNames.Site "RTSP server for the VMS"
        inbound "appliance.webrtc" Udp (PortRange(50000, 50003)) ZoneNames.Any "WebRTC media (ICE)"
        inbound "appliance.webrtc" Tcp (Port 8443) ZoneNames.Site "WHEP signalling"
        inbound "appliance.media" Tcp (Port 9900) ZoneNames.Local "media process control"
    ]

/// Golden 1: three zones, IPv4+IPv6 management sources, outbound open.
let siteDefault =
    policyOf
        { emptyConfig with
            Interfaces =
                [
                    { Name = "eth0"; Zone = "uplink" }
                    { Name = "eth1"; Zone = "cameras" }
                    { Name = "eth2"; Zone = "site" }
                ]
            ManagementSources = [ "10.0.0.0/24"; "fd00:1::/64" ]
        }

/// Golden 2: outbound allowlist with FQDN sets, camera source restriction, IPv4-only management.
let allowlist =
    policyOf
        { emptyConfig with
            Interfaces =
                [
                    { Name = "eth0"; Zone = "uplink" }
                    { Name = "eth1"; Zone = "cameras" }
                    { Name = "eth2"; Zone = "site" }
                    { Name = "eth3"; Zone = "site" }
                ]
            ManagementSources = [ "192.168.10.0/24"; "192.168.11.5" ]
            OutboundAllowlist = true
            SourceRestrictions = [ "cameras", [ "10.1.0.0/16" ] ]
        }

/// Golden 3: one site interface plus an installer-defined zone; no management sources; uplink has no interface.
let minimal =
    policyOf
        { emptyConfig with
            ExtraZones = [ "lab" ]
            Interfaces = [ { Name = "enp3s0"; Zone = "site" }; { Name = "enp4s0"; Zone = "lab" } ]
        }

let minimalFootprint =
    typicalFootprint
    @ [ inbound "appliance.lab" Tcp (PortRange(9100, 9102)) "lab" "lab instruments" ]

/// The three golden cases: file name, policy, footprint.
let goldenCases =
    [
        "site-default.nft", siteDefault, typicalFootprint
        "allowlist.nft", allowlist, typicalFootprint
        "minimal.nft", minimal, minimalFootprint
    ]
