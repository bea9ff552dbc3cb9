module Appliance.Core.Tests.IsolationManifestTests

open Xunit
open Appliance.Core.Manifest
open Appliance.Core.Tests.TestData

let private manifestWith (kind: string) (extra: string) =
    $"""{{"id": "appliance.iso", "version": "1.0.0", "kind": "{kind}", "name": "Iso",
         "entryAssembly": "Iso.dll", "hostApi": "1.0"{extra}}}"""

[<Fact>]
let ``a media plugin runs in its own process unless it says otherwise`` () =
    Assert.Equal(Process, (parseOk (manifestWith "media" "")).Isolation)
    Assert.Equal(InProcess, (parseOk (manifestWith "media" ", \"isolation\": \"in-process\"")).Isolation)

[<Fact>]
let ``protocol and integration plugins run in the host unless they ask for a process`` () =
    Assert.Equal(InProcess, (parseOk (manifestWith "protocol" "")).Isolation)
    Assert.Equal(InProcess, (parseOk (manifestWith "integration" "")).Isolation)
    Assert.Equal(Process, (parseOk (manifestWith "integration" ", \"isolation\": \"process\"")).Isolation)

[<Fact>]
let ``limits are read with their bounds`` () =
    let m =
        parseOk (
            manifestWith
                "protocol"
                """, "isolation": "process", "limits": {"memoryMiB": 256, "cpuPercent": 50, "openFiles": 4096}"""
        )

    Assert.Equal(
        {
            MemoryMiB = Some 256
            CpuPercent = Some 50
            OpenFiles = Some 4096
        },
        m.Limits
    )

    Assert.Equal(ResourceLimits.None, (parseOk (manifestWith "media" "")).Limits)

[<Fact>]
let ``an unknown isolation mode is an error with its path naming the known modes`` () =
    let errors = errorsOf (manifestWith "media" ", \"isolation\": \"container\"")
    Assert.Contains("isolation: \"container\" is not an isolation mode (in-process, process)", errors)

[<Theory>]
[<InlineData("42", "isolation: expected a string, got a number")>]
[<InlineData("null", "isolation: expected a string, got null")>]
[<InlineData("\"Process\"", "isolation: \"Process\" is not an isolation mode (in-process, process)")>]
let ``a wrongly typed isolation mode is an error`` (value: string, expected: string) =
    let errors = errorsOf (manifestWith "media" $", \"isolation\": {value}")
    Assert.Contains(expected, errors)

[<Theory>]
[<InlineData("""{"memoryMiB": 8}""", "limits.memoryMiB: 8 is outside 16..65536 MiB of memory")>]
[<InlineData("""{"cpuPercent": 0}""", "limits.cpuPercent: 0 is outside 1..400 percent of one core")>]
[<InlineData("""{"openFiles": "many"}""", "limits.openFiles: expected a whole number of open files, got a string")>]
[<InlineData("""{"openFiles": 1.5}""", "limits.openFiles: 1.5 is not a whole number in 16..1048576 open files")>]
[<InlineData("""{"disk": 1}""", "limits.disk: unknown field; the known fields are memoryMiB, cpuPercent, openFiles")>]
[<InlineData("""[1]""", "limits: expected an object, got an array")>]
let ``bad limits are errors with their path`` (limits: string, expected: string) =
    let errors = errorsOf (manifestWith "media" $", \"limits\": {limits}")
    Assert.Contains(expected, errors)

[<Fact>]
let ``limits on an in-process plugin are refused`` () =
    let errors = errorsOf (manifestWith "protocol" """, "limits": {"memoryMiB": 64}""")

    Assert.Contains(
        "limits: resource limits need \"isolation\": \"process\" (an in-process plugin shares the host's limits)",
        errors
    )

[<Fact>]
let ``isolation and limits survive serialize then parse`` () =
    let m =
        parseOk (
            manifestWith "integration" """, "isolation": "process", "limits": {"memoryMiB": 64, "openFiles": 256}"""
        )

    Assert.Equal(Ok m, ManifestParser.parse (ManifestParser.serialize m))
