/// The plugin repository's pure rules as properties: the index round-trips, the reader never throws on any bytes, and
/// no version older than (or equal to) the installed one is ever accepted without force.
module Appliance.Core.Tests.RepositoryIndexProperties

open System
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Appliance.Core.Manifest
open Appliance.Core.PluginRepository
open Appliance.Core.PluginRepository.RepositoryTypes
open Appliance.Core.Tests.Generators

let private published = DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)

let private package =
    gen {
        let! id = Gen.elements [ "test.a"; "test.b"; "vendor.camera-x" ]
        let! version = semVer
        let! minor = Gen.choose (0, 3)
        let! hardware = Gen.elements [ [ "*" ]; [ "rpi4" ]; [ "rpi4"; "rpi5" ]; [ "generic-x86_64" ] ]
        let! size = Gen.choose (1, int RepositoryIndex.MaxPackageBytes)
        let! sha = Gen.arrayOfLength 32 (Gen.choose (0, 255) |> Gen.map byte)
        let! n = Gen.choose (0, 9999)

        let p: RepoPackage =
            {
                Id = id
                Version = version
                HostApi = { Major = 1; Minor = minor }
                Hardware = hardware
                Url = $"packages/p{n}.zip"
                Size = int64 size
                Sha256 = Convert.ToHexStringLower sha
            }

        return p
    }

let private index =
    gen {
        let! serial = Gen.choose (0, Int32.MaxValue) |> Gen.map int64
        let! days = Gen.choose (1, 400)
        let! stable = Gen.listOf package
        let! beta = Gen.listOf package

        let unique (ps: RepoPackage list) =
            ps |> List.distinctBy (fun p -> p.Id, p.Version)

        return
            {
                Serial = serial
                Published = published
                Expires = published.AddDays(float days)
                Channels = Map.ofList [ "stable", unique stable; "beta", unique beta ]
            }
    }

[<Property(MaxTest = 200)>]
let ``a valid index round-trips through serialize and parse`` () =
    Prop.forAll (Arb.fromGen index) (fun i -> RepositoryIndex.parse (RepositoryIndex.serialize i) = Ok i)

[<Property(MaxTest = 500)>]
let ``the reader answers every byte string with a result, never an exception`` (bytes: byte[]) =
    match RepositoryIndex.parse bytes with
    | Ok _
    | Error _ -> true

[<Property(MaxTest = 300)>]
let ``a candidate not newer than the installed version needs force`` () =
    Prop.forAll (Arb.fromGen (Gen.two semVer)) (fun (installed, candidate) ->
        let newer = Versions.compareSemVer candidate installed > 0

        match
            RepositoryPolicy.decide (Some installed) candidate false,
            RepositoryPolicy.decide (Some installed) candidate true
        with
        | Ok(Update _), Ok(Update _) -> newer
        | Error r, Ok(Downgrade _) -> not newer && r.Code = "downgrade"
        | Error r, Ok Reinstall -> Versions.compareSemVer candidate installed = 0 && r.Code = "up-to-date"
        | _ -> false)

[<Property(MaxTest = 300)>]
let ``an index is accepted only before it expires and never below the last serial`` () =
    Prop.forAll (Arb.fromGen (Gen.zip index (Gen.choose (-500, 500)))) (fun (i, offsetDays) ->
        let now = published.AddDays(float offsetDays)
        let fresh = now < i.Expires

        (RepositoryPolicy.checkFreshness now None i = Ok()) = fresh
        && (RepositoryPolicy.checkFreshness published (Some(i.Serial + 1L)) i
            |> Result.isError)
        && (RepositoryPolicy.checkFreshness published (Some i.Serial) i = Ok()))
