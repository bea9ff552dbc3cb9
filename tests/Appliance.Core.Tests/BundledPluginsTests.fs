/// The plugins this repository ships are installed together on every appliance: each manifest must parse, and
/// their inbound ports (with default configuration) must not overlap, or the second one would be refused at start.
module Appliance.Core.Tests.BundledPluginsTests

open System
open System.IO
open System.Text.Json
open Xunit
open Appliance.Core.Manifest
open Appliance.Core.Network

let private repositoryRoot () =
    let rec up (dir: DirectoryInfo | null) =
        match dir with
        | null -> failwith "Appliance.sln not found above the test's folder"
        | d when File.Exists(Path.Combine(d.FullName, "Appliance.sln")) -> d.FullName
        | d -> up d.Parent

    up (DirectoryInfo AppContext.BaseDirectory)

let private bundledManifests () =
    Directory.GetFiles(Path.Combine(repositoryRoot (), "plugins"), "plugin.json", SearchOption.AllDirectories)
    |> Array.filter (fun p -> p.Contains("/src/") && not (p.Contains("/bin/") || p.Contains("/obj/")))
    |> Array.sort

[<Fact>]
let ``every bundled plugin manifest parses`` () =
    let files = bundledManifests ()
    Assert.True(files.Length >= 4, $"only {files.Length} bundled manifests found")

    for file in files do
        match ManifestParser.parse (File.ReadAllText file) with
        | Ok _ -> ()
        | Error errors -> failwith $"{file}: %A{errors}"

[<Fact>]
let ``bundled plugins listen on ports no other bundled plugin or the host claims`` () =
    use empty = JsonDocument.Parse "{}"

    let entries =
        bundledManifests ()
        |> Array.toList
        |> List.collect (fun file ->
            match ManifestParser.parse (File.ReadAllText file) with
            | Ok m -> Footprint.resolve m empty.RootElement
            | Error _ -> [])

    Assert.NotEmpty entries
    Assert.Empty(Footprint.collisions entries)
