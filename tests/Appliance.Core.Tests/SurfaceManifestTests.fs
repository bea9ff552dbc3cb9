/// HostApi 1.1 manifest fields: routes, portal, events, digest realms, and configuration-driven network entries.
module Appliance.Core.Tests.SurfaceManifestTests

open Xunit
open Appliance.Core.Manifest
open Appliance.Core.Network
open Appliance.Core.Tests.TestData

/// A VMS integration: targets from config, a cloud host from config, an inbound RTP range from config.
let vmsManifestJson =
    """{
  "id": "acme.vms",
  "version": "2.0.0",
  "kind": "integration",
  "name": "ACME VMS",
  "entryAssembly": "Acme.Vms.Plugin.dll",
  "hostApi": "1.1",
  "config": {
    "servers": { "type": "array", "default": [], "description": "VMS servers" },
    "cloud.host": { "type": "string", "default": "", "description": "Cloud host" },
    "rtp.ports": { "type": "string", "default": "40000-40009", "description": "RTP range" }
  },
  "network": [
    { "direction": "out", "transport": "tcp", "port": 7001, "zone": "site", "targetsKey": "servers", "purpose": "VMS servers", "required": true },
    { "direction": "out", "transport": "tcp", "port": 443, "zone": "uplink", "fqdnKey": "cloud.host", "purpose": "Cloud", "required": false },
    { "direction": "in", "transport": "udp", "port": "40000-40009", "zone": "site", "portRangeKey": "rtp.ports", "purpose": "RTP", "required": false }
  ],
  "routes": [
    { "path": "files/{name}", "methods": ["GET", "HEAD"], "access": "viewer", "purpose": "downloads" },
    { "path": "upload", "methods": ["POST"], "access": "operator", "maxRequestBytes": 1073741824 },
    { "path": "/whep/{stream}", "methods": ["POST", "DELETE"], "access": "own-auth" },
    { "path": "page", "methods": ["GET"], "access": "viewer" }
  ],
  "portal": { "title": "VMS", "route": "page" },
  "events": [ { "type": "VmsConnected", "category": "system", "description": "connected",
                "schema": { "type": "object", "properties": { "server": { "type": "string" } }, "required": ["server"] } } ],
  "digestRealms": ["Appliance"],
  "capabilities": []
}"""

let private resolveWith (m: PluginManifest) (section: string) =
    match ConfigSchema.resolve m.Config (Some(json section)) with
    | Ok c -> Footprint.resolveChecked m c
    | Error e -> failwithf "config refused: %A" e

let private replace (oldText: string) (newText: string) (text: string) =
    Assert.Contains(oldText, text)
    text.Replace(oldText, newText)

[<Fact>]
let ``a 1.1 manifest parses with its routes, portal, events and realms, and serializes back`` () =
    let m = parseOk vmsManifestJson
    Assert.Equal(4, m.Surface.Routes.Length)
    let whep = m.Surface.Routes |> List.find (fun r -> r.Absolute)
    Assert.Equal(OwnAuth, whep.Access)
    Assert.Equal<RouteSegment list>([ Literal "whep"; Parameter "stream" ], whep.Segments)
    Assert.Equal(1073741824L, (m.Surface.Routes |> List.find (fun r -> r.Path = "upload")).MaxRequestBytes)
    Assert.Equal(Some { Title = "VMS"; Route = "page" }, m.Surface.Portal)
    Assert.Equal<string list>([ "Appliance" ], m.Surface.DigestRealms)
    Assert.Equal(Some(TargetsKey "servers"), m.Network[0].FromConfig)
    Assert.Equal(Some(FqdnKey "cloud.host"), m.Network[1].FromConfig)
    Assert.Equal(Some(PortRangeKey "rtp.ports"), m.Network[2].FromConfig)
    Assert.Equal(Ok m, ManifestParser.parse (ManifestParser.serialize m))

[<Fact>]
let ``a 1.0 manifest has an empty surface`` () =
    Assert.Equal(SurfaceDeclarations.Empty, (parseOk rtspManifestJson).Surface)

[<Fact>]
let ``targets, host and range follow the configuration`` () =
    let m = parseOk vmsManifestJson

    let entries =
        resolveWith
            m
            """{"servers": [{"host": "vms1.site.example", "port": 7001, "name": "main", "username": "svc"}, {"host": "10.0.0.9", "port": 7443, "transport": "tcp"}],
                          "cloud": {"host": "API.cloud.example"}, "rtp": {"ports": "41000-41003"}}"""
        |> Result.defaultWith (fun e -> failwithf "%A" e)

    let shown = entries |> List.map (fun r -> r.Entry.Fqdn, r.Entry.Port)

    Assert.Equal<(string option * PortSpec) list>(
        [
            Some "vms1.site.example", Port 7001
            Some "10.0.0.9", Port 7443
            Some "api.cloud.example", Port 443
            None, PortRange(41000, 41003)
        ],
        shown
    )

[<Fact>]
let ``empty targets and an empty host leave their entries out`` () =
    let m = parseOk vmsManifestJson
    let entries = resolveWith m "{}" |> Result.defaultWith (fun e -> failwithf "%A" e)
    Assert.Equal<PortSpec list>([ PortRange(40000, 40009) ], entries |> List.map (fun r -> r.Entry.Port))

[<Fact>]
let ``configured values that do not resolve are refused with their paths`` () =
    let m = parseOk vmsManifestJson

    let errors =
        match
            resolveWith
                m
                """{"servers": [{"host": "vms1.site.example"}, {"port": 7001}, {"host": "x", "port": 70000, "transport": "sctp", "extra": 1}, 5],
                                "cloud": {"host": "not a host"}, "rtp": {"ports": "9-3"}}"""
        with
        | Ok r -> failwithf "accepted: %A" r
        | Error es -> es |> List.map string

    Assert.Equal<string list>(
        [
            "config.servers[1].host: a target needs a host"
            "config.servers[2].host: \"x\" is neither a host name (at least two labels) nor an IP address"
            "config.servers[2].port: 70000 is not a TCP/UDP port (1-65535)"
            "config.servers[2].transport: expected \"tcp\" or \"udp\""
            "config.servers[3]: expected an object {host, port, transport}"
            "config.cloud.host: \"not a host\" is neither a host name (at least two labels) nor an IP address"
            "config.rtp.ports: range 9-3 has its first port after its last"
        ],
        errors
    )

[<Fact>]
let ``keys naming missing or wrongly typed settings are refused with paths`` () =
    let text =
        vmsManifestJson
        |> replace "\"targetsKey\": \"servers\"" "\"targetsKey\": \"nope\""
        |> replace "\"fqdnKey\": \"cloud.host\"" "\"fqdnKey\": \"servers\""
        |> replace "\"portRangeKey\": \"rtp.ports\"" "\"portRangeKey\": \"servers\""

    Assert.Equal<string list>(
        [
            "network[0].targetsKey: \"nope\" is not a setting in config"
            "network[1].fqdnKey: setting \"servers\" is of type array; a host setting must be a string"
            "network[2].portRangeKey: setting \"servers\" is of type array; a port range setting must be a string (\"first-last\")"
        ],
        errorsOf text
    )

[<Fact>]
let ``inconsistent network keys are refused`` () =
    let text =
        vmsManifestJson
        |> replace
            "\"direction\": \"out\", \"transport\": \"tcp\", \"port\": 7001"
            "\"direction\": \"in\", \"transport\": \"tcp\", \"port\": 7001"
        |> replace "\"fqdnKey\": \"cloud.host\"" "\"fqdnKey\": \"cloud.host\", \"targetsKey\": \"servers\""
        |> replace "\"40000-40009\", \"zone\"" "\"40000-40010\", \"zone\""

    Assert.Equal<string list>(
        [
            "network[0].targetsKey: targets are outbound peers; an inbound entry cannot take them"
            "network[1]: an entry takes at most one of portRangeKey, fqdnKey and targetsKey"
            "network[2].port: 40000-40010 differs from \"40000-40009\", the default of config setting \"rtp.ports\""
        ],
        errorsOf text
    )

[<Fact>]
let ``bad route declarations are refused with paths`` () =
    let text =
        vmsManifestJson
        |> replace
            "\"access\": \"viewer\", \"purpose\": \"downloads\""
            "\"access\": \"guest\", \"purpose\": \"downloads\""
        |> replace
            "\"path\": \"upload\", \"methods\": [\"POST\"]"
            "\"path\": \"up/../x\", \"methods\": [\"post\", \"POST\"]"
        |> replace "\"path\": \"/whep/{stream}\"" "\"path\": \"/whep/{**rest}/x\""
        |> replace "\"route\": \"page\"" "\"route\": \"missing\""

    Assert.Equal<string list>(
        [
            "routes[0].access: \"guest\" is not an access level (admin, operator, viewer, own-auth)"
            "routes[1].path: a route path has no \".\" or \"..\" segments"
            "routes[1].methods[0]: \"post\" is not a method (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS; upper case)"
            "routes[2].path: \"{**rest}\" (catch-all) may only be the last segment"
            "portal.route: \"missing\" is not a path declared in routes"
        ],
        errorsOf text
    )

[<Fact>]
let ``routes of one plugin that overlap on a method are refused`` () =
    let text =
        vmsManifestJson
        |> replace "\"path\": \"page\", \"methods\": [\"GET\"]" "\"path\": \"files/{other}\", \"methods\": [\"GET\"]"

    Assert.Contains("routes[3]: overlaps routes[0] (\"files/{name}\") on GET", errorsOf text)

[<Fact>]
let ``absolute routes colliding with host routes or another plugin's are reported`` () =
    let m = parseOk vmsManifestJson

    let route path methods =
        (parseOk (vmsManifestJson |> replace "\"/whep/{stream}\"" $"\"{path}\"")).Surface.Routes
        |> List.find (fun r -> r.Absolute)
        |> fun r -> { r with Methods = methods }

    let api = route "/api/{**rest}" [ "GET" ]
    let login = route "/LOGIN" [ "POST" ]
    let plugins = route "/plugins/acme.vms/x" [ "GET" ]

    Assert.Equal<string list>(
        [
            "routes[0].path: \"/LOGIN\" collides with the host route \"/Login\""
            "routes[1].path: \"/api/{**rest}\" collides with the host route \"/api/{**rest}\""
            "routes[2].path: \"/plugins/acme.vms/x\" collides with the host route \"/plugins/{**rest}\""
        ],
        Routes.collisions Routes.hostRouteTemplates [] "other.plugin" [ login; api; plugins ]
        |> List.map string
    )

    let whep = m.Surface.Routes |> List.find (fun r -> r.Absolute)

    Assert.Equal<string list>(
        [
            "routes[0].path: \"/whep/{stream}\" collides with \"/whep/{stream}\" of acme.vms on POST, DELETE"
        ],
        Routes.collisions Routes.hostRouteTemplates [ "acme.vms", whep ] "other.plugin" [ whep ]
        |> List.map string
    )
    // The same routes with no common method, or the plugin's own routes, do not collide.
    Assert.Empty(
        Routes.collisions
            Routes.hostRouteTemplates
            [ "acme.vms", { whep with Methods = [ "GET" ] } ]
            "other.plugin"
            [ whep ]
    )

    Assert.Empty(Routes.collisions Routes.hostRouteTemplates [ "acme.vms", whep ] "acme.vms" m.Surface.Routes)

[<Fact>]
let ``event declarations with bad names or schemas are refused with paths`` () =
    let text =
        vmsManifestJson
        |> replace "\"type\": \"VmsConnected\"" "\"type\": \"vms-connected\""
        |> replace "\"server\": { \"type\": \"string\" }" "\"server\": { \"type\": \"text\", \"pattern\": \"x\" }"

    Assert.Equal<string list>(
        [
            "events[0].type: \"vms-connected\" is not an event type name (PascalCase, 3 to 64 letters and digits)"
            "events[0].schema.properties.server.type: expected one of object, array, string, integer, number, boolean, null or a list of them"
            "events[0].schema.properties.server.pattern: \"pattern\" is not a supported schema keyword (type, properties, required, additionalProperties, items, enum, minimum, maximum, minLength, maxLength, maxItems, description, title)"
        ],
        errorsOf text
    )

[<Fact>]
let ``payloads are checked against an event schema with paths`` () =
    let schema =
        EventSchema.parse
            """{"type":"object","properties":{"cameraId":{"type":"string","maxLength":5},"bytes":{"type":"integer","minimum":0},
                              "tags":{"type":"array","items":{"enum":["a","b"]}}},"required":["cameraId"],"additionalProperties":false}"""
        |> Result.defaultWith (fun e -> failwithf "%A" e)

    Assert.Empty(EventSchema.validate schema "data" (json """{"cameraId":"cam1","bytes":3,"tags":["a"]}"""))

    Assert.Equal<string list>(
        [
            "data: \"cameraId\" is required"
            "data.bytes: -1 is below the minimum 0"
            "data.tags[1]: \"c\" is not one of the allowed values"
            "data: \"extra\" is not an allowed property"
        ],
        EventSchema.validate schema "data" (json """{"bytes":-1,"tags":["a","c"],"extra":true}""")
        |> List.map string
    )

    Assert.Equal<string list>(
        [ "data: expected object, got an array" ],
        EventSchema.validate schema "data" (json "[]") |> List.map string
    )
