module Appliance.Core.Tests.ConfigSchemaTests

open System.Text.Json
open Xunit
open Appliance.Core.Manifest
open Appliance.Core.Tests.TestData

/// A schema with nested dotted keys, bounds, an enum, a secret, and settings without defaults.
let private schema =
    (parseOk
        """{
  "id": "appliance.sample", "version": "1.0.0", "kind": "protocol", "name": "Sample",
  "entryAssembly": "Sample.dll", "hostApi": "1.0",
  "config": {
    "rtsp.port": { "type": "integer", "default": 8554, "minimum": 1024, "maximum": 65535 },
    "rtsp.transport": { "type": "string", "default": "tcp", "enum": ["tcp", "udp"] },
    "rtsp.auth.user": { "type": "string", "default": "viewer" },
    "rtsp.auth.password": { "type": "string", "secret": true },
    "gain": { "type": "number", "default": 0.5, "minimum": 0, "maximum": 1.5 },
    "enabled": { "type": "boolean", "default": true },
    "cameras": { "type": "array", "default": [] },
    "extra": { "type": "object" }
  }
}""")
        .Config

let private resolveText (section: string option) =
    ConfigSchema.resolve schema (section |> Option.map json)

let private resolved section =
    match resolveText section with
    | Ok e -> e.GetRawText()
    | Error errors -> failwithf "%A" errors

let private errors section =
    match resolveText section with
    | Ok e -> failwithf "accepted: %s" (e.GetRawText())
    | Error errors -> errors |> List.map string

[<Fact>]
let ``no section: every default filled in, as nested objects in schema order`` () =
    Assert.Equal(
        """{"rtsp":{"port":8554,"transport":"tcp","auth":{"user":"viewer"}},"gain":0.5,"enabled":true,"cameras":[]}""",
        resolved None
    )

[<Fact>]
let ``an empty section is the same as none`` () =
    Assert.Equal(resolved None, resolved (Some "{}"))

[<Fact>]
let ``given values replace defaults, nested dotted keys included`` () =
    let text =
        resolved (
            Some
                """{"rtsp": {"port": 10554, "auth": {"password": "s3cret"}}, "extra": {"any": [1, {"x": null}]}, "gain": 1.25}"""
        )

    Assert.Equal(
        """{"rtsp":{"port":10554,"transport":"tcp","auth":{"user":"viewer","password":"s3cret"}},"gain":1.25,"enabled":true,"cameras":[],"extra":{"any":[1,{"x":null}]}}""",
        text
    )

[<Fact>]
let ``tryGetInt reads dotted keys of the resolved section`` () =
    let config = json (resolved (Some """{"rtsp": {"port": 10554}}"""))
    Assert.Equal(Some 10554, ConfigSchema.tryGetInt config "rtsp.port")
    Assert.Equal(None, ConfigSchema.tryGetInt config "rtsp.transport")
    Assert.Equal(None, ConfigSchema.tryGetInt config "rtsp")
    Assert.Equal(None, ConfigSchema.tryGetInt config "rtsp.port.x")
    Assert.Equal(None, ConfigSchema.tryGetInt config "missing")
    Assert.Equal(None, ConfigSchema.tryGetInt config "")
    Assert.Equal(None, ConfigSchema.tryGetInt (json """{"big": 99999999999}""") "big")

[<Fact>]
let ``every kind of error is reported, with its path`` () =
    Assert.Equal<string list>(
        [
            "config.rtsp.port: 70000 is above the maximum 65535"
            "config.rtsp.transport: \"sctp\" is not one of tcp, udp"
            "config.rtsp.auth.password: the value (secret, not shown) is not a string"
            "config.rtsp.color: \"rtsp.color\" is not a setting of this plugin"
            "config.gain: \"high\" is not a number"
            "config.enabled: \"yes\" is not a boolean"
            "config.cameras: an object is not an array"
            "config.extra: 3 is not an object"
            "config.unknown: \"unknown\" is not a setting of this plugin"
        ],
        errors (
            Some
                """{"rtsp": {"port": 70000, "transport": "sctp", "auth": {"password": 1234}, "color": "red"},
                    "gain": "high", "enabled": "yes", "cameras": {}, "extra": 3, "unknown": 1}"""
        )
    )

[<Fact>]
let ``bounds, integers and huge numbers`` () =
    Assert.Equal<string list>(
        [ "config.rtsp.port: 80 is below the minimum 1024" ],
        errors (Some """{"rtsp": {"port": 80}}""")
    )

    Assert.Equal<string list>(
        [ "config.rtsp.port: 8554.5 is not an integer" ],
        errors (Some """{"rtsp": {"port": 8554.5}}""")
    )

    Assert.Equal<string list>(
        [ "config.rtsp.port: \"8554\" is not an integer" ],
        errors (Some """{"rtsp": {"port": "8554"}}""")
    )

    Assert.Equal<string list>(
        [ "config.rtsp.port: null is not an integer" ],
        errors (Some """{"rtsp": {"port": null}}""")
    )

    Assert.Equal<string list>(
        [
            "config.rtsp.port: 99999999999999999999999 is out of the range of integers this host handles"
        ],
        errors (Some """{"rtsp": {"port": 99999999999999999999999}}""")
    )

    Assert.Equal<string list>(
        [ "config.gain: 1e400 is out of the range of numbers this host handles" ],
        errors (Some """{"gain": 1e400}""")
    )

    Assert.Equal<string list>([ "config.gain: 2 is above the maximum 1.5" ], errors (Some """{"gain": 2}"""))
    Assert.Equal<string list>([ "config.gain: -0.1 is below the minimum 0" ], errors (Some """{"gain": -0.1}"""))

[<Fact>]
let ``groups must be objects, dotted keys must be nested, keys appear once`` () =
    Assert.Equal<string list>(
        [ "config.rtsp: expected an object holding the settings rtsp.*, got a number" ],
        errors (Some """{"rtsp": 5}""")
    )

    Assert.Equal<string list>(
        [
            "config.rtsp.port: \"rtsp.port\" is not a setting of this plugin; write dotted keys as nested objects"
        ],
        errors (Some """{"rtsp.port": 8554}""")
    )

    Assert.Equal<string list>(
        [ "config.gain: appears more than once; a key may appear only once" ],
        errors (Some """{"gain": 1, "gain": 0.2}""")
    )

[<Fact>]
let ``the section must be an object`` () =
    Assert.Equal<string list>([ "config: expected an object, got an array" ], errors (Some "[]"))
    Assert.Equal<string list>([ "config: expected an object, got null" ], errors (Some "null"))

[<Fact>]
let ``a schema built in code is checked too`` () =
    let setting key =
        {
            Key = key
            Type = SInteger
            Default = None
            Description = ""
            Minimum = None
            Maximum = None
            Enum = []
            Secret = false
        }

    let result =
        ConfigSchema.resolve [ setting "a"; setting "a.b"; setting "a"; setting "9x" ] None

    match result with
    | Ok _ -> failwith "a broken schema was accepted"
    | Error errors ->
        Assert.Equal<string list>(
            [
                "config.9x: \"9x\" is not a setting key (at most 100 characters: names of letters, digits, '_' and '-', each starting with a letter, joined by dots)"
                "config.a: is declared more than once"
                "config.a.b: \"a\" is also a setting, so \"a.b\" cannot be nested under it"
            ],
            errors |> List.map string
        )

[<Fact>]
let ``the resolved section outlives its input document`` () =
    let result =
        use doc = JsonDocument.Parse """{"rtsp": {"port": 9000}}"""
        ConfigSchema.resolve schema (Some doc.RootElement)

    match result with
    | Ok e -> Assert.Equal(Some 9000, ConfigSchema.tryGetInt e "rtsp.port")
    | Error errors -> failwithf "%A" errors
