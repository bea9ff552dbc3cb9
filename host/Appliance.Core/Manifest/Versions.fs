/// Semantic versions (semver.org 2.0.0) of plugins, and the host API version a plugin needs.
module Appliance.Core.Manifest.Versions

open System

let private isAsciiDigit (c: char) = c >= '0' && c <= '9'

let private isIdentifierChar (c: char) =
    isAsciiDigit c || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c = '-'

let private isNumericIdentifier (s: string) =
    s.Length > 0 && Seq.forall isAsciiDigit s

/// A numeric part: digits only, no leading zero (except "0" itself), fits an int.
let private tryNumber (s: string) =
    if not (isNumericIdentifier s) || (s.Length > 1 && s[0] = '0') then
        None
    else
        match Int32.TryParse(s, Globalization.NumberStyles.None, Globalization.CultureInfo.InvariantCulture) with
        | true, n -> Some n
        | _ -> None

let private validPreReleaseIdentifier (s: string) =
    s.Length > 0
    && Seq.forall isIdentifierChar s
    && not (isNumericIdentifier s && s.Length > 1 && s[0] = '0')

let private quote = JsonRead.quote

/// Parses "MAJOR.MINOR.PATCH" with an optional "-PRERELEASE". Build metadata ("+...") is refused:
/// it would be lost, since it does not take part in precedence.
let parseSemVer (text: string) : Result<SemVer, string> =
    let invalid () =
        Error
            $"{quote text} is not a semantic version (expected MAJOR.MINOR.PATCH or MAJOR.MINOR.PATCH-PRERELEASE, e.g. 1.2.0)"

    if String.IsNullOrEmpty text || text.Length > 128 then
        Error "a version must be at most 128 characters long"
    elif text.Contains '+' then
        Error $"{quote text} has build metadata (+...), which plugin versions do not use; remove it"
    else
        let core, pre =
            match text.IndexOf '-' with
            | -1 -> text, None
            | i -> text.Substring(0, i), Some(text.Substring(i + 1))

        match core.Split '.' with
        | [| ma; mi; pa |] ->
            match tryNumber ma, tryNumber mi, tryNumber pa with
            | Some major, Some minor, Some patch ->
                match pre with
                | None ->
                    Ok
                        {
                            Major = major
                            Minor = minor
                            Patch = patch
                            PreRelease = None
                        }
                | Some p when p.Split '.' |> Array.forall validPreReleaseIdentifier ->
                    Ok
                        {
                            Major = major
                            Minor = minor
                            Patch = patch
                            PreRelease = Some p
                        }
                | Some _ -> invalid ()
            | _ -> invalid ()
        | _ -> invalid ()

let formatSemVer (v: SemVer) : string =
    match v.PreRelease with
    | None -> $"{v.Major}.{v.Minor}.{v.Patch}"
    | Some p -> $"{v.Major}.{v.Minor}.{v.Patch}-{p}"

/// semver 2.0.0 §11: numeric identifiers compare numerically and sort before alphanumeric ones,
/// alphanumeric ones compare in ASCII order, a shorter list sorts first when all else is equal.
let private compareIdentifiers (a: string) (b: string) =
    match isNumericIdentifier a, isNumericIdentifier b with
    | true, true ->
        // No leading zeros, so the longer one is the larger; same length compares as text.
        if a.Length <> b.Length then
            compare a.Length b.Length
        else
            String.CompareOrdinal(a, b) |> sign
    | true, false -> -1
    | false, true -> 1
    | false, false -> String.CompareOrdinal(a, b) |> sign

let private comparePreRelease (a: string) (b: string) =
    let xs = a.Split '.'
    let ys = b.Split '.'

    let rec loop i =
        if i = xs.Length && i = ys.Length then
            0
        elif i = xs.Length then
            -1
        elif i = ys.Length then
            1
        else
            match compareIdentifiers xs[i] ys[i] with
            | 0 -> loop (i + 1)
            | c -> c

    loop 0

/// Precedence per semver 2.0.0: -1, 0 or 1. A pre-release sorts before its release.
let compareSemVer (a: SemVer) (b: SemVer) : int =
    let c = compare (a.Major, a.Minor, a.Patch) (b.Major, b.Minor, b.Patch)

    if c <> 0 then
        sign c
    else
        match a.PreRelease, b.PreRelease with
        | None, None -> 0
        | None, Some _ -> 1
        | Some _, None -> -1
        | Some x, Some y -> comparePreRelease x y

/// Parses "MAJOR.MINOR" (e.g. "1.0").
let parseApiVersion (text: string) : Result<ApiVersion, string> =
    let parts = if text.Length > 32 then [||] else text.Split '.'

    match parts with
    | [| ma; mi |] ->
        match tryNumber ma, tryNumber mi with
        | Some major, Some minor -> Ok { Major = major; Minor = minor }
        | _ -> Error $"{quote text} is not a host API version (expected MAJOR.MINOR, e.g. 1.0)"
    | _ -> Error $"{quote text} is not a host API version (expected MAJOR.MINOR, e.g. 1.0)"

let formatApiVersion (v: ApiVersion) : string = $"{v.Major}.{v.Minor}"

/// A host can run a plugin built for the same major version and a minor version it already provides.
let checkHostApi (host: ApiVersion) (required: ApiVersion) : Result<unit, ManifestError> =
    if required.Major = host.Major && required.Minor <= host.Minor then
        Ok()
    else
        Error
            {
                Path = "hostApi"
                Message =
                    $"plugin needs host API {formatApiVersion required} but this host provides {formatApiVersion host}"
            }
