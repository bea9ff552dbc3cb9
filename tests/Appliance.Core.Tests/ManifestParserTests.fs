module Appliance.Core.Tests.ManifestParserTests

open System
open System.Text.Json
open Xunit
open Appliance.Core.Manifest
open Appliance.Core.Tests.TestData

[<Fact>]
let ``parses the documented example`` () =
    let m = parseOk rtspManifestJson
    Assert.Equal("appliance.rtsp", m.Id)

    Assert.Equal(
        {
            Major = 1
            Minor = 2
            Patch = 0
            PreRelease = None
        },
        m.Version
    )

    Assert.Equal(Protocol, m.Kind)
    Assert.Equal("Appliance.Plugins.Rtsp.Plugin.dll", m.EntryAssembly)
    Assert.Equal({ Major = 1; Minor = 0 }, m.HostApi)
    Assert.Equal<string list>([ "port"; "transport"; "password" ], m.Config |> List.map (fun s -> s.Key))

    let port = m.Config[0]
    Assert.Equal(SInteger, port.Type)
    Assert.Equal(554, port.Default.Value.GetInt32())
    Assert.Equal(Some 1m, port.Minimum)
    Assert.Equal(Some 65535m, port.Maximum)
    Assert.Equal("RTSP port", port.Description)
    Assert.Equal<string list>([ "tcp"; "udp" ], m.Config[1].Enum)
    Assert.True(m.Config[2].Secret)
    Assert.Equal(None, m.Config[2].Default)

    Assert.Equal(
        {
            Direction = Inbound
            Transport = Tcp
            Port = Port 554
            Zone = "site"
            Fqdn = None
            Purpose = "RTSP to VMS"
            Required = true
            ConfigKey = Some "port"
            FromConfig = None
            WhenKey = None
            Multicast = None
        },
        m.Network[0]
    )

    Assert.Equal(Port 3702, m.Network[1].Port)
    Assert.Equal(Some "239.255.255.250", m.Network[1].Multicast)
    Assert.False(m.Network[1].Required)
    Assert.Equal(PortRange(49152, 65535), m.Network[2].Port)
    Assert.Equal(Some "relay.example.net", m.Network[2].Fqdn)

    Assert.Equal<Capability list>(
        [ PrivilegedPort; Gpio; HardwareCodec; Multicast; RawSocket; ChildProcess ],
        m.Capabilities
    )

[<Fact>]
let ``optional sections may be left out`` () =
    let m =
        parseOk
            """{"id": "appliance.health", "version": "0.1.0-dev", "kind": "integration", "name": "Health",
                "entryAssembly": "Health.dll", "hostApi": "1.0"}"""

    Assert.Equal("", m.Description)
    Assert.Empty(m.Config)
    Assert.Empty(m.Network)
    Assert.Empty(m.Capabilities)

[<Fact>]
let ``FQDNs are kept in lower case`` () =
    let m =
        parseOk (rtspManifestJson.Replace("\"relay.example.net\"", "\"Relay.Example.NET\""))

    Assert.Equal(Some "relay.example.net", m.Network[2].Fqdn)

[<Fact>]
let ``serialize then parse gives the same manifest, and serialize is stable`` () =
    let m = parseOk rtspManifestJson
    let text = ManifestParser.serialize m
    Assert.Equal(Ok m, ManifestParser.parse text)
    Assert.Equal(text, ManifestParser.serialize (parseOk text))
    // Single ports are written as numbers, ranges as "first-last" strings.
    Assert.Contains("\"port\": 3702", text)
    Assert.Contains("\"port\": \"49152-65535\"", text)

[<Fact>]
let ``a manifest over 256 KiB is refused before parsing`` () =
    let padding = String('x', ManifestParser.MaxManifestBytes)
    let text = rtspManifestJson.Replace("\"RTSP ingest\"", $"\"{padding}\"")
    let size = Text.Encoding.UTF8.GetByteCount text
    Assert.Equal<string list>([ $"the manifest is {size} bytes; the limit is 262144 bytes (256 KiB)" ], errorsOf text)

[<Fact>]
let ``a 1 MB string is refused as oversized, multi-byte characters counted as bytes`` () =
    // 350,000 three-byte characters: fewer characters than 1 MB, more bytes than the limit.
    let text =
        rtspManifestJson.Replace("\"RTSP ingest\"", "\"" + String('€', 350_000) + "\"")

    Assert.True(text.Length < 1_048_576)

    let bytes =
        350_000 * 3 + Text.Encoding.UTF8.GetByteCount rtspManifestJson
        - "RTSP ingest".Length

    Assert.Equal<string list>([ $"the manifest is {bytes} bytes; the limit is 262144 bytes (256 KiB)" ], errorsOf text)

    let megabyte =
        rtspManifestJson.Replace("\"RTSP ingest\"", "\"" + String('a', 1_048_576) + "\"")

    let bytes =
        1_048_576 + Text.Encoding.UTF8.GetByteCount rtspManifestJson
        - "RTSP ingest".Length

    Assert.Equal<string list>(
        [ $"the manifest is {bytes} bytes; the limit is 262144 bytes (256 KiB)" ],
        errorsOf megabyte
    )

[<Fact>]
let ``a long string under the size limit is refused by the field's length limit, quoted briefly`` () =
    let text =
        rtspManifestJson.Replace("\"RTSP to VMS\"", "\"" + String('p', 200_000) + "\"")

    Assert.Equal<string list>([ "network[0].purpose: is 200000 characters long; the limit is 200" ], errorsOf text)

[<Fact>]
let ``hostile nesting is refused at the depth limit`` () =
    let deep = String('[', 100_000) + String(']', 100_000)

    Assert.Equal<string list>(
        [
            "invalid JSON at line 1, byte 33: The maximum configured depth of 32 has been exceeded. Cannot read next JSON array."
        ],
        errorsOf deep
    )

    let deepObject = String.replicate 50 "{\"a\":" + "1" + String('}', 50)

    Assert.Equal<string list>(
        [
            "invalid JSON at line 1, byte 161: The maximum configured depth of 32 has been exceeded. Cannot read next JSON object."
        ],
        errorsOf deepObject
    )

[<Fact>]
let ``a raw lone surrogate in the text is a clear error`` () =
    let text =
        rtspManifestJson.Replace("RTSP ingest", "RTSP " + string (char 0xD800) + " ingest")

    Assert.Equal<string list>([ "the manifest text is not valid UTF-16 (it holds a lone surrogate)" ], errorsOf text)

[<Fact>]
let ``every error is collected, not only the first`` () =
    let text =
        rtspManifestJson
            .Replace("\"appliance.rtsp\"", "\"Bad Id\"")
            .Replace("\"port\": 554", "\"port\": 70000")
            .Replace("\"gpio\", ", "\"gpio\", \"gpio\", ")
            .Replace("\"zone\": \"cameras\"", "\"zone\": \"Camera Net\"")

    Assert.Equal<string list>(
        [
            "id: \"Bad Id\" is not a lower-case dotted plugin id (e.g. appliance.rtsp)"
            "capabilities[2]: \"gpio\" is listed twice"
            "network[0].port: 70000 is not a TCP/UDP port"
            "network[1].zone: \"Camera Net\" is not a zone name (lower-case letters, digits and '-', starting with a letter, at most 31 characters)"
        ],
        errorsOf text
    )

[<Fact>]
let ``many bad entries give one error each`` () =
    let entries =
        [
            for i in 0..999 ->
                $"""{{"direction": "out", "transport": "tcp", "port": {70000 + i}, "zone": "uplink", "purpose": "x", "required": true}}"""
        ]

    let text =
        rtspManifestJson.Substring(0, rtspManifestJson.IndexOf "\"network\"")
        + "\"network\": ["
        + String.Join(",", entries)
        + "]}"

    let errors = errorsOf text
    Assert.Equal(1000, errors.Length)
    Assert.Equal("network[999].port: 70999 is not a TCP/UDP port", List.last errors)

[<Fact>]
let ``error messages never echo more than 40 characters of a value`` () =
    let text =
        rtspManifestJson.Replace("\"Appliance.Plugins.Rtsp.Plugin.dll\"", "\"" + String('a', 150) + "/x.dll\"")

    Assert.Equal<string list>(
        [
            "entryAssembly: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" must be a file name without a path"
        ],
        errorsOf text
    )

[<Fact>]
let ``the host API check is a separate step`` () =
    let m =
        parseOk (rtspManifestJson.Replace("\"hostApi\": \"1.0\"", "\"hostApi\": \"2.0\""))

    match Versions.checkHostApi { Major = 1; Minor = 0 } m.HostApi with
    | Error e -> Assert.Equal("hostApi: plugin needs host API 2.0 but this host provides 1.0", string e)
    | Ok() -> failwith "a plugin for host API 2.0 was accepted by host API 1.0"

[<Fact>]
let ``ports 0 and 1024 and above need no capability`` () =
    let text =
        rtspManifestJson
            .Replace("\"privileged-port\", ", "")
            .Replace("\"port\": 554", "\"port\": 1024")
            .Replace("\"default\": 554, \"minimum\": 1,", "\"default\": 1024, \"minimum\": 1024,")

    Assert.Equal(Port 1024, (parseOk text).Network[0].Port)

    let systemChosen =
        text.Replace("\"port\": 1024", "\"port\": \"0\"").Replace(", \"configKey\": \"port\"", "")

    Assert.Equal(Port 0, (parseOk systemChosen).Network[0].Port)
