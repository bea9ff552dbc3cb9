/// Image updates: the bundle manifest read from `rauc info`, the install policy, and the verdict after a boot.
module Appliance.Core.Tests.ImageUpdateTests

open System
open Xunit
open FsCheck.Xunit
open Appliance.Core.Manifest
open Appliance.Core.Updates.ImageUpdate

// The shape of `rauc info --output-format=shell` (rauc 1.8), as the update tool's test prints it for a real bundle.
let private info =
    "RAUC_MF_COMPATIBLE='appliance-amd64'\nRAUC_MF_VERSION='1.2.3'\nRAUC_MF_DESCRIPTION='Appliance 1.2.3'\n"
    + "RAUC_MF_BUILD='20261203101541'\nRAUC_MF_IMAGES=1\nRAUC_MF_HOOKS=''\nRAUC_IMAGE_NAME_0='rootfs.img'\n"

let private semver text =
    match Versions.parseSemVer text with
    | Ok v -> v
    | Error e -> failwith e

let private running =
    {
        Compatible = "appliance-amd64"
        Version = semver "1.2.0"
    }

[<Fact>]
let ``reads the manifest lines of rauc info`` () =
    Assert.Equal(
        Ok
            {
                Compatible = "appliance-amd64"
                Version = "1.2.3"
                Build = Some "20261203101541"
            },
        parseRaucInfo info
    )

[<Fact>]
let ``reads values with quotes, escapes and CRLF the way g_shell_quote writes them`` () =
    let text = "RAUC_MF_COMPATIBLE='it'\\''s'\r\nRAUC_MF_VERSION='1.0.0'\r\n"

    Assert.Equal(
        Ok
            {
                Compatible = "it's"
                Version = "1.0.0"
                Build = None
            },
        parseRaucInfo text
    )

[<Theory>]
[<InlineData("", "names no compatible")>]
[<InlineData("RAUC_MF_VERSION='1.0.0'", "names no compatible")>]
[<InlineData("RAUC_MF_COMPATIBLE='x'", "names no version")>]
[<InlineData("RAUC_MF_COMPATIBLE='x'\nRAUC_MF_VERSION=''", "names no version")>]
[<InlineData("RAUC_MF_COMPATIBLE='x\nRAUC_MF_VERSION='1.0.0'", "does not end")>]
[<InlineData("RAUC_MF_COMPATIBLE=a b\nRAUC_MF_VERSION='1.0.0'", "unquoted white space")>]
[<InlineData("RAUC_MF_COMPATIBLE\nRAUC_MF_VERSION='1.0.0'", "is not KEY=value")>]
let ``refuses malformed and truncated information with the reason`` (text: string, reason: string) =
    match parseRaucInfo text with
    | Error e -> Assert.Contains(reason, e)
    | Ok m -> failwith $"accepted {m}"

[<Fact>]
let ``refuses oversized information without reading it`` () =
    let text = info + String('x', maxInfoLength)

    match parseRaucInfo text with
    | Error e -> Assert.Contains("over 65536", e)
    | Ok m -> failwith $"accepted {m}"

[<Property>]
let ``never throws on arbitrary text`` (lines: (bool * char array) list) =
    // Half the lines start like a manifest line, so the value parser is reached, not only the filter.
    let text =
        lines
        |> List.map (fun (manifest, cs) -> (if manifest then "RAUC_MF_" else "") + String(cs))
        |> String.concat "\n"

    match parseRaucInfo text with
    | Ok m -> m.Compatible <> "" && m.Version <> ""
    | Error e -> e <> ""

[<Fact>]
let ``installs a newer bundle for this model`` () =
    Assert.Equal(
        Ok(semver "1.2.3"),
        checkInstall
            running
            {
                Compatible = "appliance-amd64"
                Version = "1.2.3"
                Build = None
            }
            false
    )

[<Fact>]
let ``refuses another model even when forced`` () =
    let bundle =
        {
            Compatible = "appliance-jetson"
            Version = "9.0.0"
            Build = None
        }

    Assert.Equal(Error(OtherModel("appliance-jetson", "appliance-amd64")), checkInstall running bundle true)
    Assert.Contains("is for 'appliance-jetson'", describe (OtherModel("appliance-jetson", "appliance-amd64")))

[<Fact>]
let ``refuses a downgrade or the running version unless forced`` () =
    let older =
        {
            Compatible = "appliance-amd64"
            Version = "1.1.9"
            Build = None
        }

    let same = { older with Version = "1.2.0" }
    Assert.Equal(Error(Downgrade(semver "1.1.9", semver "1.2.0")), checkInstall running older false)
    Assert.Equal(Ok(semver "1.1.9"), checkInstall running older true)
    Assert.Equal(Error(AlreadyRunning(semver "1.2.0")), checkInstall running same false)
    Assert.Equal(Ok(semver "1.2.0"), checkInstall running same true)
    Assert.Contains("must be forced", describe (Downgrade(semver "1.1.9", semver "1.2.0")))

[<Fact>]
let ``refuses an unreadable version`` () =
    match
        checkInstall
            running
            {
                Compatible = "appliance-amd64"
                Version = "latest"
                Build = None
            }
            true
    with
    | Error(UnreadableVersion why) -> Assert.Contains("not a semantic version", why)
    | other -> failwith $"{other}"

let private deadline = TimeSpan.FromMinutes 5.0

[<Fact>]
let ``a slot is good as soon as every check passes`` () =
    Assert.Equal(
        MarkGood,
        decideBoot
            deadline
            (TimeSpan.FromSeconds 20.0)
            [ { Name = "host"; Healthy = true }; { Name = "plugins"; Healthy = true } ]
    )

[<Fact>]
let ``a slot waits while a check fails before the deadline, and is bad after it, naming the check`` () =
    let checks =
        [ { Name = "host"; Healthy = true }; { Name = "plugins"; Healthy = false } ]

    Assert.Equal(Wait, decideBoot deadline (TimeSpan.FromMinutes 4.9) checks)
    Assert.Equal(MarkBad "not healthy 300 s after boot: plugins", decideBoot deadline deadline checks)

[<Fact>]
let ``no checks at all is never good`` () =
    Assert.Equal(Wait, decideBoot deadline TimeSpan.Zero [])

    Assert.Equal(
        MarkBad "not healthy 300 s after boot: no health check reported",
        decideBoot deadline (TimeSpan.FromHours 1.0) []
    )
