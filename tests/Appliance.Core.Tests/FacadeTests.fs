/// The core's face to C# (host/Appliance.Core/Facade): what it returns, and that C# code calls the core only
/// through it (a source scan of host, tools and plugins).
module Appliance.Core.Tests.FacadeTests

open System
open System.IO
open System.Text.Json
open System.Text.RegularExpressions
open Xunit
open Appliance.Core
open Appliance.Core.Manifest
open Appliance.Core.Network
open Appliance.Core.Rules
open Appliance.Core.Tests.TestData

// ---- the source scan

/// F# types and modules a C# file would name to call the core around the façade, and the members of an F#
/// result (`ResultValue`, `ErrorValue`) it would read without naming the type.
let private fsharpNames =
    Regex(
        @"Microsoft\.FSharp|\bFSharp(List|Option|ValueOption|Result|Map|Set|Func|Ref|Choice)\b|\b(List|Seq|Option|Set|Map|Array)Module\b|\.(ResultValue|ErrorValue)\b",
        RegexOptions.Compiled
    )

/// (file, line number, line) of every mention in the given (path, text) pairs.
let private offenders (files: (string * string) seq) =
    [
        for path, text in files do
            let lines = text.Split '\n'

            for i in 0 .. lines.Length - 1 do
                if fsharpNames.IsMatch lines.[i] then
                    yield sprintf "%s:%d: %s" path (i + 1) (lines.[i].Trim())
    ]

let private repositoryRoot () =
    let rec up (dir: DirectoryInfo | null) =
        match dir with
        | null -> failwith "Appliance.sln not found above the test's directory"
        | d when File.Exists(Path.Combine(d.FullName, "Appliance.sln")) -> d.FullName
        | d -> up d.Parent

    up (DirectoryInfo(__SOURCE_DIRECTORY__))

let private skipped = set [ "bin"; "obj"; "node_modules" ]

let rec private sources (dir: string) : string seq =
    seq {
        for f in Directory.EnumerateFiles dir do
            if f.EndsWith ".cs" || f.EndsWith ".cshtml" then
                yield f

        for d in Directory.EnumerateDirectories dir do
            if not (skipped.Contains(string (Path.GetFileName d))) then
                yield! sources d
    }

[<Fact>]
let ``no C# file in host, tools or plugins names an F# type: the core is called through its façade`` () =
    let root = repositoryRoot ()

    let files =
        [
            for top in [ "host"; "tools"; "plugins" ] do
                let dir = Path.Combine(root, top)

                if Directory.Exists dir then
                    for f in sources dir -> string (Path.GetRelativePath(root, f)), File.ReadAllText f
        ]

    Assert.True(files.Length > 100, sprintf "the scan read only %d files; is the root (%s) right?" files.Length root)
    let found = offenders files

    Assert.True(
        found.IsEmpty,
        "C# code names F# types; add what it needs to host/Appliance.Core/Facade instead:\n"
        + String.Join("\n", found)
    )

[<Fact>]
let ``the scan finds what it looks for (negative control)`` () =
    let planted =
        [
            "a.cs", "using Microsoft.FSharp.Core;"
            "b.cs", "var l = ListModule.OfSeq(x);"
            "c.cshtml", "@(OptionModule.ToObj(r.Fqdn))"
            "d.cs", "FSharpList<Rule> rules;"
            "e.cs", "private static FSharpOption<int> None;"
            "f.cs", "// FSharpResult<string, string>"
            "h.cs", "return parsed.IsOk ? parsed.ResultValue : Fail(parsed.ErrorValue);"
            "g.cs", "var ok = NetworkFacade.Requirements(entries); // a List<string> and a ListModuleName are fine"
        ]

    let found = offenders planted
    Assert.Equal(7, found.Length)
    Assert.DoesNotContain(found, fun f -> f.StartsWith "g.cs")

// ---- what the façade returns

[<Fact>]
let ``a manifest's errors come back as one failure 'invalid', one error per line, the same as the core's`` () =
    let bad = """{"id": "Bad Id", "version": "x"}"""
    let result = ManifestFacade.Parse bad
    Assert.False result.IsOk
    Assert.Equal("invalid", (nonNull result.Failure).Code)
    Assert.Equal<string list>(errorsOf bad, (nonNull result.Failure).Errors |> List.ofSeq)

[<Fact>]
let ``a valid manifest comes back as the value, its limits as nullables`` () =
    let result = ManifestFacade.Parse rtspManifestJson
    Assert.True result.IsOk
    let struct (memory, cpu, files) = ManifestFacade.Limits result.Value
    Assert.Equal(Option.toNullable result.Value.Limits.MemoryMiB, memory)
    Assert.Equal(Option.toNullable result.Value.Limits.CpuPercent, cpu)
    Assert.Equal(Option.toNullable result.Value.Limits.OpenFiles, files)

[<Fact>]
let ``no configuration section and a null one resolve alike`` () =
    let manifest = parseOk rtspManifestJson
    let none = ManifestFacade.ResolveConfig(manifest, Nullable())
    let nullSection = ManifestFacade.ResolveConfig(manifest, Nullable(json "null"))
    Assert.True none.IsOk
    Assert.Equal(JsonSerializer.Serialize none.Value, JsonSerializer.Serialize nullSection.Value)

[<Fact>]
let ``the firewall compiles through the façade as through the core, and zone errors are lines`` () =
    let entries = Footprint.hostEntries HostNetworkSettings.Defaults
    let viaFacade = NetworkFacade.CompileFirewall(json "{}", entries)

    let direct =
        match ZonesJson.parseElement (json "{}") with
        | Ok policy -> Firewall.compile policy entries
        | Error e -> failwithf "%A" e

    Assert.True viaFacade.IsOk
    Assert.Equal(Result.defaultValue "" direct, viaFacade.Value)
    let bad = NetworkFacade.CompileFirewall(json """{"zones": 3}""", entries)
    Assert.False bad.IsOk
    Assert.NotEmpty((nonNull bad.Failure).Errors)

[<Fact>]
let ``/proc helpers answer null for what they cannot read`` () =
    Assert.Null(NetworkFacade.ParseStat "garbage")
    let stat = NetworkFacade.ParseStat "42 (python3) S 7 42 42 0"
    Assert.Equal((42, "python3", 7), (stat.Pid, stat.Command, stat.Parent))
    Assert.Equal(Nullable 123L, NetworkFacade.InodeOfFdLink "socket:[123]")
    Assert.False((NetworkFacade.InodeOfFdLink "pipe:[5]").HasValue)

    Assert.Equal<int[]>(
        [| 1; 2; 3 |],
        NetworkFacade.Descendants(1, [ struct (2, 1); struct (3, 2); struct (4, 9) ])
        |> Array.sort
    )

[<Fact>]
let ``a rule set is a read-only list in order, and refusals carry their path`` () =
    let catalog = RulesFacade.Catalog [ "PluginEvent" ]
    Assert.True(catalog.ContainsKey "PluginEvent")
    let set = RulesFacade.RuleSet []
    Assert.True set.IsEmpty
    Assert.Equal(0, set.Count)
    let refused = RulesFacade.Refused("id", "is taken")
    Assert.False refused.IsValid
    Assert.Equal("id", refused.Errors.[0].Path)
