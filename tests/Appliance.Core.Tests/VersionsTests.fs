module Appliance.Core.Tests.VersionsTests

open Xunit
open Appliance.Core.Manifest

let private v text =
    match Versions.parseSemVer text with
    | Ok v -> v
    | Error e -> failwith e

[<Theory>]
[<InlineData("1.2.0", 1, 2, 0, "")>]
[<InlineData("0.0.0", 0, 0, 0, "")>]
[<InlineData("10.20.30-rc.1", 10, 20, 30, "rc.1")>]
[<InlineData("1.0.0-alpha-1.0.x-y", 1, 0, 0, "alpha-1.0.x-y")>]
let ``parses semantic versions`` (text: string, major: int, minor: int, patch: int, pre: string) =
    let expected =
        {
            Major = major
            Minor = minor
            Patch = patch
            PreRelease = if pre = "" then None else Some pre
        }

    Assert.Equal(Ok expected, Versions.parseSemVer text)
    Assert.Equal(text, Versions.formatSemVer expected)

[<Theory>]
[<InlineData("1.2",
             "\"1.2\" is not a semantic version (expected MAJOR.MINOR.PATCH or MAJOR.MINOR.PATCH-PRERELEASE, e.g. 1.2.0)")>]
[<InlineData("01.2.3",
             "\"01.2.3\" is not a semantic version (expected MAJOR.MINOR.PATCH or MAJOR.MINOR.PATCH-PRERELEASE, e.g. 1.2.0)")>]
[<InlineData("1.2.3-",
             "\"1.2.3-\" is not a semantic version (expected MAJOR.MINOR.PATCH or MAJOR.MINOR.PATCH-PRERELEASE, e.g. 1.2.0)")>]
[<InlineData("1.2.3-rc..1",
             "\"1.2.3-rc..1\" is not a semantic version (expected MAJOR.MINOR.PATCH or MAJOR.MINOR.PATCH-PRERELEASE, e.g. 1.2.0)")>]
[<InlineData("1.2.3-01",
             "\"1.2.3-01\" is not a semantic version (expected MAJOR.MINOR.PATCH or MAJOR.MINOR.PATCH-PRERELEASE, e.g. 1.2.0)")>]
[<InlineData("1.2.3-é",
             "\"1.2.3-é\" is not a semantic version (expected MAJOR.MINOR.PATCH or MAJOR.MINOR.PATCH-PRERELEASE, e.g. 1.2.0)")>]
[<InlineData("v1.2.3",
             "\"v1.2.3\" is not a semantic version (expected MAJOR.MINOR.PATCH or MAJOR.MINOR.PATCH-PRERELEASE, e.g. 1.2.0)")>]
[<InlineData(" 1.2.3",
             "\" 1.2.3\" is not a semantic version (expected MAJOR.MINOR.PATCH or MAJOR.MINOR.PATCH-PRERELEASE, e.g. 1.2.0)")>]
[<InlineData("1.2.3+sha.5114f85",
             "\"1.2.3+sha.5114f85\" has build metadata (+...), which plugin versions do not use; remove it")>]
[<InlineData("", "a version must be at most 128 characters long")>]
let ``refuses malformed versions with a sentence`` (text: string, message: string) =
    Assert.Equal(Error message, Versions.parseSemVer text)

[<Fact>]
let ``refuses a version longer than 128 characters`` () =
    Assert.Equal(
        Error "a version must be at most 128 characters long",
        Versions.parseSemVer ("1.0.0-" + String.replicate 200 "a")
    )

[<Fact>]
let ``precedence follows semver 2.0 section 11`` () =
    // The example chain from semver.org, each lower than the next.
    let chain =
        [
            "1.0.0-alpha"
            "1.0.0-alpha.1"
            "1.0.0-alpha.beta"
            "1.0.0-beta"
            "1.0.0-beta.2"
            "1.0.0-beta.11"
            "1.0.0-rc.1"
            "1.0.0"
            "1.0.1"
            "1.1.0"
            "2.0.0"
            "10.0.0"
        ]
        |> List.map v

    for a, b in List.pairwise chain do
        Assert.Equal(-1, Versions.compareSemVer a b)
        Assert.Equal(1, Versions.compareSemVer b a)

    Assert.Equal(0, Versions.compareSemVer (v "1.0.0-rc.1") (v "1.0.0-rc.1"))
    // Numeric identifiers longer than an int still compare numerically.
    Assert.Equal(-1, Versions.compareSemVer (v "1.0.0-99999999999999999998") (v "1.0.0-99999999999999999999"))

[<Fact>]
let ``host API check: same major, minor not above the host's`` () =
    let host = { Major = 1; Minor = 3 }
    Assert.Equal(Ok(), Versions.checkHostApi host { Major = 1; Minor = 0 })
    Assert.Equal(Ok(), Versions.checkHostApi host { Major = 1; Minor = 3 })

    let refused (required: ApiVersion) =
        match Versions.checkHostApi host required with
        | Error e -> string e
        | Ok() -> "accepted"

    Assert.Equal("hostApi: plugin needs host API 1.4 but this host provides 1.3", refused { Major = 1; Minor = 4 })
    Assert.Equal("hostApi: plugin needs host API 2.0 but this host provides 1.3", refused { Major = 2; Minor = 0 })
    Assert.Equal("hostApi: plugin needs host API 0.9 but this host provides 1.3", refused { Major = 0; Minor = 9 })

[<Theory>]
[<InlineData("1.0", 1, 0)>]
[<InlineData("2.15", 2, 15)>]
let ``parses host API versions`` (text: string, major: int, minor: int) =
    Assert.Equal(Ok { Major = major; Minor = minor }, Versions.parseApiVersion text)
    Assert.Equal(text, Versions.formatApiVersion { Major = major; Minor = minor })

[<Theory>]
[<InlineData("1")>]
[<InlineData("1.0.0")>]
[<InlineData("1.x")>]
[<InlineData("01.0")>]
let ``refuses malformed host API versions`` (text: string) =
    Assert.Equal(
        Error $"\"{text}\" is not a host API version (expected MAJOR.MINOR, e.g. 1.0)",
        Versions.parseApiVersion text
    )
