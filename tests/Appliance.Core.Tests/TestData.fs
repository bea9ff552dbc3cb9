/// Shared inputs: the documented example manifest, file locations, small helpers.
module Appliance.Core.Tests.TestData

open System
open System.IO
open System.Text.Json
open Appliance.Core.Manifest

/// The example of the plugin.json format, as documented.
let rtspManifestJson =
    """{
  "id": "appliance.rtsp",
  "version": "1.2.0",
  "kind": "protocol",
  "name": "RTSP ingest",
  "description": "Pulls camera streams and serves them to the VMS.",
  "entryAssembly": "Appliance.Plugins.Rtsp.Plugin.dll",
  "hostApi": "1.0",
  "config": {
    "port": { "type": "integer", "default": 554, "minimum": 1, "maximum": 65535, "description": "RTSP port" },
    "transport": { "type": "string", "default": "tcp", "enum": ["tcp", "udp"] },
    "password": { "type": "string", "secret": true }
  },
  "network": [
    { "direction": "in", "transport": "tcp", "port": 554, "zone": "site", "purpose": "RTSP to VMS",
      "required": true, "configKey": "port" },
    { "direction": "out", "transport": "udp", "port": "3702", "zone": "cameras", "multicast": "239.255.255.250",
      "purpose": "WS-Discovery", "required": false },
    { "direction": "out", "transport": "tcp", "port": "49152-65535", "zone": "uplink", "fqdn": "relay.example.net",
      "purpose": "Relay media", "required": true }
  ],
  "capabilities": ["privileged-port", "gpio", "hardware-codec", "multicast", "raw-socket", "child-process"]
}"""

/// A second plugin whose inbound port collides with the RTSP plugin's default.
let onvifManifestJson =
    """{
  "id": "appliance.onvif",
  "version": "0.9.1-beta.2",
  "kind": "protocol",
  "name": "ONVIF bridge",
  "entryAssembly": "Appliance.Plugins.Onvif.Plugin.dll",
  "hostApi": "1.0",
  "config": {
    "bridge.port": { "type": "integer", "default": 580, "minimum": 1, "maximum": 65535 },
    "bridge.rtspPort": { "type": "integer", "default": 554, "minimum": 1, "maximum": 65535 }
  },
  "network": [
    { "direction": "in", "transport": "tcp", "port": 580, "zone": "site", "purpose": "ONVIF bridge: VMS clients, \"Profile S\"",
      "required": true, "configKey": "bridge.port" },
    { "direction": "in", "transport": "tcp", "port": 554, "zone": "site", "purpose": "RTSP media of the bridge, per camera",
      "required": true, "configKey": "bridge.rtspPort" },
    { "direction": "out", "transport": "tcp", "port": 80, "zone": "cameras", "purpose": "ONVIF device service on cameras",
      "required": true }
  ],
  "capabilities": ["privileged-port"]
}"""

let parseOk (json: string) : PluginManifest =
    match ManifestParser.parse json with
    | Ok m -> m
    | Error errors -> failwithf "expected a valid manifest, got:\n%s" (String.Join("\n", errors |> List.map string))

let errorsOf (json: string) : string list =
    match ManifestParser.parse json with
    | Ok _ -> [ "(no error: the manifest was accepted)" ]
    | Error errors -> errors |> List.map string

let json (text: string) : JsonElement =
    use doc = JsonDocument.Parse text
    doc.RootElement.Clone()

/// A file copied next to the test assembly (bad-manifests/, golden/).
let dataPath (relative: string) =
    Path.Combine(AppContext.BaseDirectory, relative)

/// The same file in the source tree (for regenerating golden files with UPDATE_GOLDEN=1).
let sourcePath (relative: string) =
    Path.Combine(__SOURCE_DIRECTORY__, relative)
