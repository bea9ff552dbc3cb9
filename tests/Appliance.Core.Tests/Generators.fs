/// FsCheck generators of valid manifests, configurations and resolved footprints.
module Appliance.Core.Tests.Generators

open System
open System.Globalization
open FsCheck
open FsCheck.FSharp
open Appliance.Core.Manifest
open Appliance.Core.Network
open Appliance.Core.Tests.TestData

let private lower = "abcdefghijklmnopqrstuvwxyz"
let private digits = "0123456789"
let private letters = lower + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

let private charFrom (s: string) = Gen.elements (List.ofSeq s)

let private stringOf (g: Gen<char>) (minLength: int) (maxLength: int) =
    gen {
        let! n = Gen.choose (minLength, maxLength)
        let! cs = Gen.listOfLength n g
        return String(Array.ofList cs)
    }

/// Printable text with JSON, CSV and Markdown specials and characters beyond ASCII (a surrogate pair included).
let private textPieces =
    [
        "a"
        "Z"
        "7"
        " "
        "é"
        "漢"
        "😀"
        "\""
        "\\"
        "<"
        ">"
        "&"
        "|"
        ","
        "'"
        "/"
        "+"
        "\u00a0"
    ]

let private text (maxPieces: int) (multiline: bool) =
    gen {
        let pieces = if multiline then "\n" :: "\t" :: textPieces else textPieces
        let! n = Gen.choose (0, maxPieces)
        let! parts = Gen.listOfLength n (Gen.elements pieces)
        return "x" + String.Concat parts
    }

let private pluginId =
    gen {
        let! first = stringOf (charFrom (lower + digits)) 1 8
        let! n = Gen.choose (1, 3)
        let! rest = Gen.listOfLength n (stringOf (charFrom (lower + digits + "-")) 1 8)
        return String.Join(".", first :: rest)
    }

let private preReleaseIdentifier =
    Gen.oneof
        [
            Gen.choose (0, 999) |> Gen.map string
            gen {
                let! head = charFrom letters
                let! tail = stringOf (charFrom (letters + digits + "-")) 0 6
                return string head + tail
            }
        ]

let semVer =
    gen {
        let! major = Gen.choose (0, 100000)
        let! minor = Gen.choose (0, 1000)
        let! patch = Gen.choose (0, 1000)
        let! n = Gen.frequency [ 2, Gen.constant 0; 1, Gen.choose (1, 3) ]
        let! ids = Gen.listOfLength n preReleaseIdentifier

        return
            {
                Major = major
                Minor = minor
                Patch = patch
                PreRelease = if ids.IsEmpty then None else Some(String.Join(".", ids))
            }
    }

let private zone =
    gen {
        let! head = charFrom lower
        let! tail = stringOf (charFrom (lower + digits + "-")) 0 30
        return string head + tail
    }

let private fqdn =
    gen {
        let label =
            Gen.oneof
                [
                    stringOf (charFrom (lower + digits)) 1 10
                    gen {
                        let! a = charFrom lower
                        let! mid = stringOf (charFrom (lower + digits + "-")) 0 8
                        let! z = charFrom lower
                        return string a + mid + string z
                    }
                ]

        let! n = Gen.choose (1, 3)
        let! labels = Gen.listOfLength n label
        let! tld = stringOf (charFrom lower) 2 6
        return String.Join(".", labels @ [ tld ])
    }

let private number (d: decimal) =
    d.ToString(CultureInfo.InvariantCulture)

/// One setting of the given key, with a default consistent with its type, bounds and enum.
let private setting (key: string) =
    gen {
        let! description = Gen.oneof [ Gen.constant ""; text 20 false ]
        let! t = Gen.elements [ SString; SInteger; SNumber; SBoolean; SArray; SObject ]
        let! withDefault = Gen.elements [ true; false ]

        let baseSetting =
            {
                Key = key
                Type = t
                Default = None
                Description = description
                Minimum = None
                Maximum = None
                Enum = []
                Secret = false
            }

        match t with
        | SString ->
            let! values = Gen.subListOf [ "tcp"; "udp"; "auto"; "h264"; "h265"; "a,b"; "é" ]
            let! secret = Gen.frequency [ 3, Gen.constant false; 1, Gen.constant true ]
            let! free = text 10 false

            let! pick =
                if values.IsEmpty then
                    Gen.constant free
                else
                    Gen.elements values

            let value =
                if withDefault && not secret then
                    Some(json (Text.Json.JsonSerializer.Serialize pick))
                else
                    None

            return
                { baseSetting with
                    Enum = values
                    Secret = secret
                    Default = value
                }
        | SInteger ->
            let! lo = Gen.choose (-100000, 100000)
            let! width = Gen.choose (0, 100000)
            let! offset = Gen.choose (0, width)
            let! bounded = Gen.elements [ true; false ]

            return
                { baseSetting with
                    Minimum = (if bounded then Some(decimal lo) else None)
                    Maximum = (if bounded then Some(decimal (lo + width)) else None)
                    Default =
                        (if withDefault then
                             Some(json (string (lo + offset)))
                         else
                             None)
                }
        | SNumber ->
            let! lo = Gen.choose (-100000, 100000)
            let! width = Gen.choose (0, 100000)
            let! offset = Gen.choose (0, width)
            let low = decimal lo / 100m

            return
                { baseSetting with
                    Minimum = Some low
                    Maximum = Some(low + decimal width / 100m)
                    Default =
                        (if withDefault then
                             Some(json (number (low + decimal offset / 100m)))
                         else
                             None)
                }
        | SBoolean ->
            let! b = Gen.elements [ "true"; "false" ]

            return
                { baseSetting with
                    Default = (if withDefault then Some(json b) else None)
                }
        | SArray ->
            let! a = Gen.elements [ "[]"; "[1,\"a\",{}]"; "[[null]]" ]

            return
                { baseSetting with
                    Default = (if withDefault then Some(json a) else None)
                }
        | SObject ->
            let! o = Gen.elements [ "{}"; "{\"a\":[1,2],\"b\":null}"; "{\"nested\":{\"x\":1.5}}" ]

            return
                { baseSetting with
                    Default = (if withDefault then Some(json o) else None)
                }
    }

let private multicastGroups =
    [ "239.255.255.250"; "224.0.0.251"; "ff02::c"; "ff02::fb" ]

/// A footprint entry; an entry with a config key comes with its port setting "ports.p{i}".
let private entry (i: int) =
    gen {
        let! direction = Gen.elements [ Inbound; Outbound ]
        let! transport = Gen.elements [ Tcp; Udp ]

        let! port =
            Gen.oneof
                [
                    Gen.choose (0, 65535) |> Gen.map Port
                    gen {
                        let! a = Gen.choose (0, 65535)
                        let! b = Gen.choose (a, 65535)
                        return PortRange(a, b)
                    }
                ]

        let! z = zone
        let! name = fqdn
        let! withFqdn = Gen.elements [ true; false ]
        let! group = Gen.elements multicastGroups
        let! withGroup = Gen.elements [ true; false ]
        let! purpose = text 30 false
        let! required = Gen.elements [ true; false ]
        let! withKey = Gen.elements [ true; false ]
        let! keyedPort = Gen.choose (1024, 65535)

        let key = $"ports.p{i}"
        let keyed = withKey

        let e =
            {
                Direction = direction
                Transport = transport
                Port = (if keyed then Port keyedPort else port)
                Zone = z
                Fqdn = (if direction = Outbound && withFqdn then Some name else None)
                Purpose = purpose
                Required = required
                ConfigKey = (if keyed then Some key else None)
                FromConfig = None
                WhenKey = None
                Multicast = (if transport = Udp && withGroup then Some group else None)
            }

        let portSetting =
            if keyed then
                Some
                    {
                        Key = key
                        Type = SInteger
                        Default = Some(json (string keyedPort))
                        Description = ""
                        Minimum = Some 1024m
                        Maximum = Some 65535m
                        Enum = []
                        Secret = false
                    }
            else
                None

        return e, portSetting
    }

let private isPrivilegedInbound (e: FootprintEntry) =
    let first, last =
        match e.Port with
        | Port n -> n, n
        | PortRange(a, b) -> a, b

    e.Direction = Inbound && last >= 1 && first < 1024

let manifest =
    gen {
        let! id = pluginId
        let! version = semVer
        let! kind = Gen.elements [ Protocol; Integration; Media ]
        let! name = text 30 false
        let! description = Gen.oneof [ Gen.constant ""; text 200 true ]
        let! assemblyParts = Gen.listOfLength 2 (stringOf (charFrom (letters + digits)) 1 10)
        let! hostMajor = Gen.choose (0, 50)
        let! hostMinor = Gen.choose (0, 50)
        let! settingCount = Gen.choose (0, 6)

        let! settings =
            [
                for i in 0 .. settingCount - 1 ->
                    Gen.elements [ $"s{i}"; $"g{i % 2}.s{i}"; $"g{i % 2}.h.s{i}" ]
                    |> Gen.bind setting
            ]
            |> Gen.sequenceToList

        let! entryCount = Gen.choose (0, 6)
        let! entries = [ for i in 0 .. entryCount - 1 -> entry i ] |> Gen.sequenceToList

        let! caps =
            Gen.shuffle (List.map snd ManifestParser.capabilityNames)
            |> Gen.bind (fun c -> Gen.subListOf (List.ofArray c))

        let network = List.map fst entries
        let! isolation = Gen.elements [ InProcess; Process ]
        let! memory = Gen.elements [ None; Some 16; Some 512 ]
        let! openFiles = Gen.elements [ None; Some 1024 ]

        let capabilities =
            if
                network |> List.exists isPrivilegedInbound
                && not (List.contains PrivilegedPort caps)
            then
                caps @ [ PrivilegedPort ]
            else
                caps

        return
            {
                Id = id
                Version = version
                Kind = kind
                Name = name
                Description = description
                EntryAssembly = String.Join(".", assemblyParts) + ".dll"
                HostApi = { Major = hostMajor; Minor = hostMinor }
                Config = settings @ List.choose snd entries
                Network = network
                Capabilities = capabilities
                Surface = SurfaceDeclarations.Empty
                Isolation = isolation
                Limits =
                    if isolation = Process then
                        {
                            MemoryMiB = memory
                            CpuPercent = None
                            OpenFiles = openFiles
                        }
                    else
                        ResourceLimits.None
            }
    }

/// A configuration value of any JSON shape a hostile or careless installer might write for a port.
let anyPortValue =
    Gen.oneof
        [
            Gen.choose (-70000, 140000) |> Gen.map string
            Gen.choose (0, 65535) |> Gen.map string
            Gen.elements
                [
                    "2147483648"
                    "-2147483649"
                    "1e400"
                    "99999999999999999999"
                    "8554.5"
                    "\"8554\""
                    "null"
                    "true"
                    "[]"
                    "{}"
                ]
        ]

/// One required entry of an owner in zone "site" (no FQDN, no configuration), the rest as given.
let resolvedEntry owner direction transport port =
    {
        Owner = owner
        Entry =
            {
                Direction = direction
                Transport = transport
                Port = port
                Zone = "site"
                Fqdn = None
                Purpose = "p"
                Required = true
                ConfigKey = None
                FromConfig = None
                WhenKey = None
                Multicast = None
            }
    }

/// Resolved entries of a few owners over a small port space, so that overlaps are frequent.
let resolvedEntries (owners: string list) (lowPort: int) (highPort: int) =
    let one =
        gen {
            let! owner = Gen.elements owners
            let! direction = Gen.frequency [ 4, Gen.constant Inbound; 1, Gen.constant Outbound ]
            let! transport = Gen.elements [ Tcp; Udp ]

            let! port =
                Gen.oneof
                    [
                        Gen.choose (lowPort, highPort) |> Gen.map Port
                        gen {
                            let! a = Gen.choose (lowPort, highPort)
                            let! b = Gen.choose (a, highPort)
                            return PortRange(a, b)
                        }
                    ]

            return resolvedEntry owner direction transport port
        }

    Gen.choose (0, 8) |> Gen.bind (fun n -> Gen.listOfLength n one)
