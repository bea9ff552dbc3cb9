/// Reads `index.json` (untrusted until its signature was checked, and still bounded after): every error with its
/// JSON path, never only the first, never an exception for bad input.
module Appliance.Core.PluginRepository.RepositoryIndex

open System
open System.Globalization
open System.Text.Json
open System.Text.RegularExpressions
open Appliance.Core.Manifest
open Appliance.Core.Manifest.JsonRead
open Appliance.Core.PluginRepository.RepositoryTypes

/// The largest index read (4 MiB).
[<Literal>]
let MaxIndexBytes = 4194304

/// The most packages one channel may list.
[<Literal>]
let MaxPackagesPerChannel = 2000

/// The largest package an index may announce (512 MiB, what the installer unpacks at most).
[<Literal>]
let MaxPackageBytes = 536870912L

/// The index format this appliance reads.
[<Literal>]
let FormatVersion = 1

let private idPattern =
    Regex(@"^[a-z0-9]+(\.[a-z0-9-]+)+$", RegexOptions.CultureInvariant)

let private namePattern =
    Regex(@"^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)

let private hexPattern = Regex(@"^[0-9a-f]{64}$", RegexOptions.CultureInvariant)

let private urlPattern =
    Regex(@"^[A-Za-z0-9._~/-]+$", RegexOptions.CultureInvariant)

let private topFields = [ "format"; "serial"; "published"; "expires"; "channels" ]

let private packageFields =
    [ "id"; "version"; "hostApi"; "hardware"; "url"; "size"; "sha256" ]

let private int64Field (errors: Errors) path (map: Map<string, JsonElement>) name (low: int64) (high: int64) =
    match require errors path map name with
    | None -> None
    | Some e when e.ValueKind <> JsonValueKind.Number ->
        errors.Add(child path name, $"expected a number, got {kindName e.ValueKind}")
        None
    | Some e ->
        match e.TryGetInt64() with
        | true, n when n >= low && n <= high -> Some n
        | _ ->
            errors.Add(child path name, $"{shown e} is not a whole number from {low} to {high}")
            None

let private timeField (errors: Errors) path map name =
    requiredString errors path 40 false map name
    |> Option.bind (fun s ->
        match
            DateTimeOffset.TryParseExact(
                s,
                "yyyy-MM-ddTHH:mm:ssZ",
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal
            )
        with
        | true, t -> Some(t.ToUniversalTime())
        | _ ->
            errors.Add(child path name, $"{quote s} is not a UTC time like 2026-12-03T10:00:00Z")
            None)

/// A relative URL inside the repository: letters, digits and ._~/- only, no "." or ".." segment, no leading "/".
let validRelativeUrl (url: string) =
    url.Length > 0
    && url.Length <= 512
    && urlPattern.IsMatch url
    && not (url.StartsWith "/")
    && url.Split '/' |> Array.forall (fun s -> s <> "" && s <> "." && s <> "..")

/// A required string field read by <paramref name="parse"/>; its error is recorded at the field's path.
let private parsedField
    (errors: Errors)
    (path: string)
    (maxLength: int)
    map
    (name: string)
    (parse: string -> Result<'T, string>)
    : 'T option =
    requiredString errors path maxLength false map name
    |> Option.bind (fun s ->
        match parse s with
        | Ok v -> Some v
        | Error m ->
            errors.Add(child path name, m)
            None)

let private package (errors: Errors) (path: string) (e: JsonElement) : RepoPackage option =
    match fields errors path packageFields e with
    | None -> None
    | Some map ->
        let id =
            requiredString errors path 100 false map "id"
            |> Option.bind (fun s ->
                if idPattern.IsMatch s then
                    Some s
                else
                    errors.Add(child path "id", $"{quote s} is not a lower-case dotted plugin id")
                    None)

        let version = parsedField errors path 128 map "version" Versions.parseSemVer
        let hostApi = parsedField errors path 32 map "hostApi" Versions.parseApiVersion

        let hardware =
            match require errors path map "hardware" with
            | None -> None
            | Some h when h.ValueKind <> JsonValueKind.Array ->
                errors.Add(child path "hardware", $"expected an array, got {kindName h.ValueKind}")
                None
            | Some h when h.GetArrayLength() = 0 || h.GetArrayLength() > 64 ->
                errors.Add(child path "hardware", "must name 1 to 64 hardware models (\"*\" for any)")
                None
            | Some h ->
                let names =
                    [
                        for i, m in Seq.indexed (h.EnumerateArray()) do
                            let p = index (child path "hardware") i

                            match stringValue errors p 64 false m with
                            | Some s when s = "*" || namePattern.IsMatch s -> yield Some s
                            | Some s ->
                                errors.Add(
                                    p,
                                    $"{quote s} is not a hardware model name (lower case, digits, ._-) or \"*\""
                                )

                                yield None
                            | None -> yield None
                    ]

                if List.forall Option.isSome names then
                    Some(List.choose (fun n -> n) names)
                else
                    None

        let url =
            requiredString errors path 512 false map "url"
            |> Option.bind (fun s ->
                if validRelativeUrl s then
                    Some s
                else
                    errors.Add(
                        child path "url",
                        $"{quote s} is not a path inside the repository (relative, no '..', letters, digits and ._~/- only)"
                    )

                    None)

        let size = int64Field errors path map "size" 1L MaxPackageBytes

        let sha =
            requiredString errors path 64 false map "sha256"
            |> Option.bind (fun s ->
                if hexPattern.IsMatch s then
                    Some s
                else
                    errors.Add(child path "sha256", $"{quote s} is not 64 lower-case hex digits")
                    None)

        match id, version, hostApi, hardware, url, size, sha with
        | Some id, Some v, Some api, Some hw, Some url, Some size, Some sha ->
            Some
                {
                    Id = id
                    Version = v
                    HostApi = api
                    Hardware = hw
                    Url = url
                    Size = size
                    Sha256 = sha
                }
        | _ -> None

let private channel (errors: Errors) (path: string) (e: JsonElement) : RepoPackage list option =
    if e.ValueKind <> JsonValueKind.Array then
        errors.Add(path, $"expected an array of packages, got {kindName e.ValueKind}")
        None
    elif e.GetArrayLength() > MaxPackagesPerChannel then
        errors.Add(path, $"lists {e.GetArrayLength()} packages; the limit is {MaxPackagesPerChannel}")
        None
    else
        let parsed =
            [
                for i, p in Seq.indexed (e.EnumerateArray()) -> package errors (index path i) p
            ]

        let packages = List.choose (fun p -> p) parsed
        let seen = Collections.Generic.HashSet<string * SemVer>()

        for i, p in List.indexed packages do
            if not (seen.Add((p.Id, p.Version))) then
                errors.Add(index path i, $"{p.Id} {Versions.formatSemVer p.Version} is listed more than once")

        if packages.Length = parsed.Length then
            Some packages
        else
            None

let private validate (root: JsonElement) : Result<RepoIndex, ManifestError list> =
    let errors = Errors()

    match fields errors "" topFields root with
    | None ->
        Error
            [
                {
                    Path = ""
                    Message = $"the index must be a JSON object, got {kindName root.ValueKind}"
                }
            ]
    | Some map ->
        match int64Field errors "" map "format" 1L 1000L with
        | Some f when f <> int64 FormatVersion ->
            errors.Add("format", $"format {f} is not the format this appliance reads ({FormatVersion})")
        | _ -> ()

        let serial = int64Field errors "" map "serial" 0L Int64.MaxValue
        let published = timeField errors "" map "published"
        let expires = timeField errors "" map "expires"

        match published, expires with
        | Some p, Some x when x <= p -> errors.Add("expires", "is not after published")
        | _ -> ()

        let channels =
            match require errors "" map "channels" with
            | None -> None
            | Some c when c.ValueKind <> JsonValueKind.Object ->
                errors.Add("channels", $"expected an object, got {kindName c.ValueKind}")
                None
            | Some c ->
                let entries =
                    [
                        for name, value in properties errors "channels" c do
                            let path = child "channels" name

                            if not (namePattern.IsMatch name) then
                                errors.Add(path, "is not a channel name (lower case, digits, ._-)")
                                yield None
                            else
                                yield channel errors path value |> Option.map (fun ps -> name, ps)
                    ]

                if List.forall Option.isSome entries then
                    Some(entries |> List.choose (fun e -> e) |> Map.ofList)
                else
                    None

        match serial, published, expires, channels with
        | Some s, Some p, Some x, Some c when errors.Count = 0 ->
            Ok
                {
                    Serial = s
                    Published = p
                    Expires = x
                    Channels = c
                }
        | _ -> Error(errors.ToList())

/// Reads an index from its UTF-8 bytes (exactly what was signed).
let parse (bytes: byte[]) : Result<RepoIndex, ManifestError list> =
    let whole m = Error [ { Path = ""; Message = m } ]

    if bytes.Length = 0 then
        whole "the index is empty"
    elif bytes.Length > MaxIndexBytes then
        whole $"the index is {bytes.Length} bytes; the limit is {MaxIndexBytes} bytes (4 MiB)"
    else
        try
            use doc =
                JsonDocument.Parse(ReadOnlyMemory bytes, JsonDocumentOptions(MaxDepth = 16))

            validate doc.RootElement
        with :? JsonException as ex ->
            let line = (ex.LineNumber |> Option.ofNullable |> Option.defaultValue 0L) + 1L
            whole $"invalid JSON at line {line}: {ex.Message.Split('.')[0]}"

let private time (t: DateTimeOffset) =
    t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)

/// The index as UTF-8 JSON (indented); parse (serialize i) = Ok i for a valid index.
let serialize (idx: RepoIndex) : byte[] =
    use stream = new IO.MemoryStream()

    do
        use w = new Utf8JsonWriter(stream, JsonWriterOptions(Indented = true))
        w.WriteStartObject()
        w.WriteNumber("format", FormatVersion)
        w.WriteNumber("serial", idx.Serial)
        w.WriteString("published", time idx.Published)
        w.WriteString("expires", time idx.Expires)
        w.WriteStartObject("channels")

        for KeyValue(name, packages) in idx.Channels do
            w.WriteStartArray(name)

            for p in packages do
                w.WriteStartObject()
                w.WriteString("id", p.Id)
                w.WriteString("version", Versions.formatSemVer p.Version)
                w.WriteString("hostApi", Versions.formatApiVersion p.HostApi)
                w.WriteStartArray("hardware")

                for h in p.Hardware do
                    w.WriteStringValue h

                w.WriteEndArray()
                w.WriteString("url", p.Url)
                w.WriteNumber("size", p.Size)
                w.WriteString("sha256", p.Sha256)
                w.WriteEndObject()

            w.WriteEndArray()

        w.WriteEndObject()
        w.WriteEndObject()

    stream.ToArray()
