/// Every file in bad-manifests/ is refused with exactly the errors in its .expected file.
module Appliance.Core.Tests.BadManifestCorpusTests

open System.IO
open Xunit
open Appliance.Core.Tests.TestData

let private corpus () =
    Directory.GetFiles(dataPath "bad-manifests", "*.json") |> Array.sort

let cases () : seq<objnull array> =
    corpus () |> Seq.map (fun f -> [| box (Path.GetFileNameWithoutExtension f) |])

[<Fact>]
let ``the corpus holds at least 20 cases, each with its expected errors`` () =
    let files = corpus ()
    Assert.True(files.Length >= 20, $"only {files.Length} bad manifests")

    for f in files do
        Assert.True(File.Exists(Path.ChangeExtension(f, ".expected")), $"{f} has no .expected file")

[<Theory>]
[<MemberData(nameof cases)>]
let ``bad manifest is refused with the expected errors`` (name: string) =
    let text = File.ReadAllText(dataPath $"bad-manifests/{name}.json")

    let expected =
        File.ReadAllLines(dataPath $"bad-manifests/{name}.expected")
        |> Array.filter (fun l -> l <> "")
        |> List.ofArray

    Assert.NotEmpty(expected)
    Assert.Equal<string list>(expected, errorsOf text)
