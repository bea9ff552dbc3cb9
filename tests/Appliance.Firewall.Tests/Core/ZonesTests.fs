module Appliance.Firewall.Tests.Core.ZonesTests

open System.Net
open Xunit
open Appliance.Core.Network
open Appliance.Core.Network.Zones

let private errorsOf json =
    match ZonesJson.parse json with
    | Ok p -> failwithf "expected errors, got %A" p
    | Error errors -> errors |> List.map string

let private okOf json =
    match ZonesJson.parse json with
    | Ok p -> p
    | Error e -> failwithf "expected a policy, got %A" e

[<Fact>]
let ``a full zones section parses into a policy`` () =
    let p =
        okOf
            """{ "interfaces": [ { "name": "eth0", "zone": "uplink" }, { "name": "eth1", "zone": "cameras" }, { "name": "eth2", "zone": "lab" } ],
                 "managementSources": [ "10.0.0.0/24", "fd00:1::/64", "10.0.0.7" ],
                 "outboundAllowlist": true,
                 "sourceRestrictions": { "cameras": [ "10.1.0.0/16" ] },
                 "extraZones": [ "lab" ] }"""

    Assert.Equal<string list>([ "cameras"; "site"; "uplink"; "lab" ], p.Zones)
    Assert.Equal<string list>([ "eth1" ], interfacesOf p "cameras")
    Assert.Equal<string list>([ "10.0.0.0/24"; "fd00:1::/64"; "10.0.0.7/32" ], p.ManagementSources |> List.map string)
    Assert.True p.OutboundAllowlist
    Assert.Equal<string list>([ "10.1.0.0/16" ], p.SourceRestrictions.["cameras"] |> List.map string)

[<Fact>]
let ``the error messages name the path and the culprit`` () =
    let errors =
        errorsOf
            """{ "interfaces": [ { "name": "eth0", "zone": "uplink" }, { "name": "eth1", "zone": "camras" } ],
                 "managementSources": [ "10.0.0.0/33" ] }"""

    Assert.Contains(
        "zones.interfaces[1].zone: \"camras\" is not a defined zone (defined: cameras, site, uplink)",
        errors
    )

    Assert.Contains("zones.managementSources[0]: \"10.0.0.0/33\" is not a CIDR range", errors)
    Assert.Equal(2, errors.Length)

[<Fact>]
let ``every error is reported, not only the first`` () =
    let errors =
        errorsOf
            """{ "interfaces": [ { "name": "", "zone": "site" }, { "name": "eth1", "zone": "cameras" }, { "name": "eth1", "zone": "site" },
                                 { "name": "eth2", "zone": "site" }, { "name": "eth2", "zone": "site" }, { "name": "eth9\"; drop", "zone": "site" } ],
                 "managementSources": [ "10.0.0.256/24", "10.0.0.0/-1", "fe80::1%eth0/64", "::ffff:10.0.0.1/128", "010.0.0.0/8", "" ],
                 "sourceRestrictions": { "nowhere": [ "10.0.0.0/8" ], "site": [] },
                 "extraZones": [ "Lab", "any", "site" ],
                 "managmentSources": [] }"""

    let expected =
        [
            "zones.interfaces[0].name: is empty; name the network interface (e.g. \"eth0\")"
            "zones.interfaces[2].name: \"eth1\" is already assigned to zone \"cameras\" (zones.interfaces[1]); an interface belongs to one zone"
            "zones.interfaces[4].name: \"eth2\" is listed twice (also zones.interfaces[3])"
            "zones.interfaces[5].name: \"eth9\"; drop\" contains characters not allowed in an interface name (letters, digits, '_', '-', '.', '@')"
            "zones.managementSources[0]: \"10.0.0.256/24\" is not a CIDR range"
            "zones.managementSources[1]: \"10.0.0.0/-1\" is not a CIDR range"
            "zones.managementSources[2]: \"fe80::1%eth0/64\" is not a CIDR range"
            "zones.managementSources[3]: \"::ffff:10.0.0.1/128\" is an IPv4-mapped IPv6 range; write the IPv4 range instead"
            "zones.managementSources[4]: \"010.0.0.0/8\" is not a CIDR range"
            "zones.managementSources[5]: \"\" is not a CIDR range"
            "zones.sourceRestrictions.nowhere: \"nowhere\" is not a defined zone (defined: cameras, site, uplink)"
            "zones.sourceRestrictions.site: is empty; list the source ranges allowed in this zone, or remove the entry"
            "zones.extraZones[0]: \"Lab\" is not a zone name (lower-case letters, digits, '_', at most 24, starting with a letter)"
            "zones.extraZones[1]: \"any\" is reserved and cannot be defined as a zone"
            "zones.extraZones[2]: \"site\" is already defined"
        ]

    let expectedAll =
        "zones.managmentSources: is not a known setting (known: extraZones, interfaces, managementSources, outboundAllowlist, sourceRestrictions)"
        :: expected

    Assert.Equal<string list>(List.sort expectedAll, List.sort errors)

[<Fact>]
let ``interface names longer than the kernel allows are refused`` () =
    let errors =
        errorsOf """{ "interfaces": [ { "name": "averyveryverylongname", "zone": "site" } ] }"""

    Assert.Equal<string list>(
        [
            "zones.interfaces[0].name: \"averyveryverylongname\" is longer than 15 characters, the Linux limit for an interface name"
        ],
        errors
    )

[<Fact>]
let ``wrong JSON types are reported with their path`` () =
    let errors =
        errorsOf
            """{ "interfaces": [ "eth0", { "name": 3 }, { "name": "eth1", "zone": "site", "vlan": 4 } ],
                 "managementSources": "10.0.0.0/8", "outboundAllowlist": "yes", "sourceRestrictions": [], "extraZones": [ 1 ] }"""

    let expected =
        [
            "zones.interfaces[0]: must be an object with \"name\" and \"zone\", not a string"
            "zones.interfaces[1].name: must be a string, not a number"
            "zones.interfaces[1].zone: is missing"
            "zones.interfaces[2].vlan: is not a known setting (expected \"name\" and \"zone\")"
            "zones.managementSources: must be an array of strings, not a string"
            "zones.outboundAllowlist: must be true or false, not a string"
            "zones.sourceRestrictions: must be an object mapping a zone to its source ranges, not an array"
            "zones.extraZones[0]: must be a string, not a number"
        ]

    Assert.Equal<string list>(expected, errors)

[<Theory>]
[<InlineData("")>]
[<InlineData("{")>]
[<InlineData("{ \"interfaces\": [ { \"name\": \"eth0\", ")>]
[<InlineData("[]")>]
[<InlineData("null")>]
[<InlineData("\u0000\u0001garbage")>]
let ``malformed or truncated JSON is one clear error`` (json: string) =
    let errors = errorsOf json
    Assert.Single errors |> ignore
    Assert.StartsWith("zones: ", errors.Head)

[<Fact>]
let ``deeply nested JSON is refused without a crash`` () =
    let json =
        "{ \"interfaces\": "
        + String.replicate 100 "["
        + String.replicate 100 "]"
        + " }"

    let errors = errorsOf json
    Assert.Equal<string list>([ "zones: is not valid JSON at line 1, byte 32" ], errors)

[<Fact>]
let ``oversized input is refused before parsing`` () =
    let json = "{ \"extraZones\": [" + String.replicate 100000 "\"lab\"," + "\"x\"] }"
    let errors = errorsOf json
    Assert.Equal<string list>([ $"zones: is {json.Length} characters long, more than the 262144 allowed" ], errors)

[<Fact>]
let ``too many list items are refused with a count`` () =
    let items = String.concat ", " (List.replicate 300 "\"10.0.0.0/8\"")
    let errors = errorsOf $"{{ \"managementSources\": [ {items} ] }}"
    Assert.Equal<string list>([ "zones.managementSources: lists 300 items, more than the 256 allowed" ], errors)

[<Fact>]
let ``a duplicated setting is an error`` () =
    let errors =
        errorsOf """{ "outboundAllowlist": false, "outboundAllowlist": true }"""

    Assert.Equal<string list>([ "zones.outboundAllowlist: is given more than once" ], errors)

[<Theory>]
[<InlineData("10.1.2.3/24", "10.1.2.0/24")>]
[<InlineData("10.1.2.3", "10.1.2.3/32")>]
[<InlineData("0.0.0.0/0", "0.0.0.0/0")>]
[<InlineData("2001:DB8::1/32", "2001:db8::/32")>]
[<InlineData("fd00:0:0:0::5", "fd00::5/128")>]
let ``CIDR ranges are normalised`` (text: string, expected: string) =
    Assert.Equal(Some expected, Cidr.tryParse text |> Option.map string)

[<Theory>]
[<InlineData("10.0.0.0/33")>]
[<InlineData("10.0.0/8")>]
[<InlineData("10.0.0.0.0/8")>]
[<InlineData("10.0.0.0/")>]
[<InlineData("10.0.0.0/8/8")>]
[<InlineData("10.0.0.0/+8")>]
[<InlineData(" 10.0.0.0/8")>]
[<InlineData("fd00::/129")>]
[<InlineData("example.com/24")>]
[<InlineData("1")>]
let ``bad CIDR ranges are refused`` (text: string) = Assert.Equal(None, Cidr.tryParse text)

[<Fact>]
let ``contains matches the right addresses`` () =
    let range = (Cidr.tryParse "10.77.2.0/28").Value
    Assert.True(Cidr.contains range (IPAddress.Parse "10.77.2.2"))
    Assert.False(Cidr.contains range (IPAddress.Parse "10.77.2.16"))
    Assert.False(Cidr.contains range (IPAddress.Parse "fd00::1"))
