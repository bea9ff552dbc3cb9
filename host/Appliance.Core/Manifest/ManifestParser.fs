/// plugin.json: parsing with every error collected (path + sentence), and serialization back to JSON.
module Appliance.Core.Manifest.ManifestParser

open System
open System.IO
open System.Text
open System.Text.Encodings.Web
open System.Text.Json
open System.Text.RegularExpressions
open Appliance.Core.Manifest.JsonRead
open Appliance.Core.Manifest.NetworkEntries

/// Larger manifests are refused before parsing.
[<Literal>]
let MaxManifestBytes = 262144

/// Deeper JSON is refused by the parser (a manifest needs 4 levels; config defaults may nest a little).
[<Literal>]
let MaxDepth = 32

let private topFields =
    [
        "id"
        "version"
        "kind"
        "name"
        "description"
        "entryAssembly"
        "hostApi"
        "config"
        "network"
        "capabilities"
        "routes"
        "portal"
        "events"
        "digestRealms"
        "isolation"
        "limits"
    ]

let private kinds =
    [ "protocol", Protocol; "integration", Integration; "media", Media ]

let capabilityNames =
    [
        "privileged-port", PrivilegedPort
        "gpio", Gpio
        "hardware-codec", HardwareCodec
        "multicast", Capability.Multicast
        "raw-socket", RawSocket
        "child-process", ChildProcess
    ]

let private nameOf (table: (string * 'a) list) (value: 'a) =
    table |> List.find (fun (_, v) -> v = value) |> fst

let private idPattern =
    Regex(@"^[a-z0-9]+(\.[a-z0-9-]+)+$", RegexOptions.CultureInvariant)

let private parseCapabilities (errors: Errors) (path: string) (e: JsonElement) : Capability list =
    if e.ValueKind <> JsonValueKind.Array then
        errors.Add(path, $"expected an array of strings, got {kindName e.ValueKind}")
        []
    else
        let names = e.EnumerateArray() |> Seq.mapi (fun i c -> i, c) |> List.ofSeq
        let known = String.Join(", ", capabilityNames |> List.map fst)

        names
        |> List.fold
            (fun (seen: Capability list) (i, c) ->
                match stringValue errors (index path i) 40 false c with
                | None -> seen
                | Some s ->
                    match capabilityNames |> List.tryFind (fun (n, _) -> n = s) with
                    | None ->
                        errors.Add(index path i, $"{quote s} is not a known capability ({known})")
                        seen
                    | Some(_, cap) when List.contains cap seen ->
                        errors.Add(index path i, $"{quote s} is listed twice")
                        seen
                    | Some(_, cap) -> seen @ [ cap ])
            []

/// Validates a parsed JSON document as a manifest.
let private validate (root: JsonElement) : Result<PluginManifest, ManifestError list> =
    let errors = Errors()

    match fields errors "" topFields root with
    | None ->
        Error
            [
                {
                    Path = ""
                    Message = $"the manifest must be a JSON object, got {kindName root.ValueKind}"
                }
            ]
    | Some map ->
        let id =
            requiredString errors "" 100 false map "id"
            |> Option.bind (fun s ->
                if idPattern.IsMatch s then
                    Some s
                else
                    errors.Add("id", $"{quote s} is not a lower-case dotted plugin id (e.g. appliance.rtsp)")
                    None)

        let version =
            requiredString errors "" 128 false map "version"
            |> Option.bind (fun s ->
                match Versions.parseSemVer s with
                | Ok v -> Some v
                | Error m ->
                    errors.Add("version", m)
                    None)

        let kind = choice errors "" map "kind" "a plugin kind" kinds
        let name = requiredString errors "" 100 false map "name" |> nonEmpty errors "name"
        let description = optionalString errors "" 2000 true map "description"

        let entryAssembly =
            requiredString errors "" 200 false map "entryAssembly"
            |> Option.bind (fun s ->
                if s.IndexOfAny [| '/'; '\\'; ':' |] >= 0 || s.Contains ".." then
                    errors.Add("entryAssembly", $"{quote s} must be a file name without a path")
                    None
                elif
                    not (s.EndsWith(".dll", StringComparison.Ordinal))
                    || s.Length <= 4
                    || s.StartsWith '.'
                then
                    errors.Add(
                        "entryAssembly",
                        $"{quote s} must name a .dll file (e.g. Appliance.Plugins.Rtsp.Plugin.dll)"
                    )

                    None
                else
                    Some s)

        let hostApi =
            requiredString errors "" 32 false map "hostApi"
            |> Option.bind (fun s ->
                match Versions.parseApiVersion s with
                | Ok v -> Some v
                | Error m ->
                    errors.Add("hostApi", m)
                    None)

        let configElement = map.TryFind "config"

        let settings =
            configElement
            |> Option.map (ConfigSchema.parseSchema errors "config")
            |> Option.defaultValue []

        let declaredKeys =
            match configElement with
            | Some c when c.ValueKind = JsonValueKind.Object -> [ for p in c.EnumerateObject() -> p.Name ]
            | _ -> []

        let capabilities =
            map.TryFind "capabilities"
            |> Option.map (parseCapabilities errors "capabilities")
            |> Option.defaultValue []

        let entries =
            match map.TryFind "network" with
            | None -> Some []
            | Some n when n.ValueKind <> JsonValueKind.Array ->
                errors.Add("network", $"expected an array of entries, got {kindName n.ValueKind}")
                None
            | Some n ->
                let parsed =
                    n.EnumerateArray()
                    |> Seq.mapi (fun i e -> i, parseEntry errors (index "network" i) e)
                    |> List.ofSeq

                let valid = parsed |> List.choose (fun (i, e) -> e |> Option.map (fun x -> i, x))
                crossCheck errors settings declaredKeys capabilities valid

                if valid.Length = parsed.Length then
                    Some(List.map snd valid)
                else
                    None

        let routes =
            map.TryFind "routes"
            |> Option.map (Routes.parseRoutes errors "routes")
            |> Option.defaultValue []

        let portal =
            map.TryFind "portal" |> Option.bind (Routes.parsePortal errors "portal" routes)

        let events =
            map.TryFind "events"
            |> Option.map (EventSchema.parseEvents errors "events")
            |> Option.defaultValue []

        let realms =
            map.TryFind "digestRealms"
            |> Option.map (Routes.parseRealms errors "digestRealms")
            |> Option.defaultValue []

        let surface =
            {
                Routes = routes
                Portal = portal
                Events = events
                DigestRealms = realms
            }

        let isolation = IsolationFields.parseIsolation errors kind map

        let limits =
            map.TryFind "limits"
            |> Option.map (IsolationFields.parseLimits errors "limits")
            |> Option.defaultValue ResourceLimits.None

        IsolationFields.crossCheck errors isolation limits

        match id, version, kind, name, description, entryAssembly, hostApi, entries, isolation with
        | Some i, Some v, Some k, Some n, Ok d, Some a, Some h, Some net, Some iso when errors.Count = 0 ->
            Ok
                {
                    Id = i
                    Version = v
                    Kind = k
                    Name = n
                    Description = defaultArg d ""
                    EntryAssembly = a
                    HostApi = h
                    Config = settings
                    Network = net
                    Capabilities = capabilities
                    Surface = surface
                    Isolation = iso
                    Limits = limits
                }
        | _ -> Error(errors.ToList())

/// The JsonException message without its trailing "LineNumber: x | BytePositionInLine: y." part.
let private jsonReason (ex: JsonException) =
    let m = ex.Message
    let i = m.IndexOf(" LineNumber:", StringComparison.Ordinal)
    if i > 0 then m.Substring(0, i) else m

/// Parses and validates plugin.json text; every problem found is returned, each with its JSON path.
let parse (text: string) : Result<PluginManifest, ManifestError list> =
    let whole message =
        Error [ { Path = ""; Message = message } ]

    /// UTF-8 size, or None when the text holds a lone surrogate (it has no UTF-8 form).
    let utf8Size (t: string) =
        try
            Some(UTF8Encoding(false, true).GetByteCount t)
        with :? EncoderFallbackException ->
            None

    if String.IsNullOrWhiteSpace text then
        whole "the manifest is empty"
    else
        match utf8Size text with
        | None -> whole "the manifest text is not valid UTF-16 (it holds a lone surrogate)"
        | Some size when size > MaxManifestBytes ->
            whole $"the manifest is {size} bytes; the limit is {MaxManifestBytes} bytes (256 KiB)"
        | Some _ ->
            try
                use doc = JsonDocument.Parse(text, JsonDocumentOptions(MaxDepth = MaxDepth))
                validate doc.RootElement
            with :? JsonException as ex ->
                let line = (ex.LineNumber |> Option.ofNullable |> Option.defaultValue 0L) + 1L

                let position =
                    (ex.BytePositionInLine |> Option.ofNullable |> Option.defaultValue 0L) + 1L

                whole $"invalid JSON at line {line}, byte {position}: {jsonReason ex}"

/// plugin.json text for a manifest (indented, field order as documented); parse (serialize m) = Ok m.
let serialize (manifest: PluginManifest) : string =
    use stream = new MemoryStream()

    do
        let options =
            JsonWriterOptions(Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping)

        use w = new Utf8JsonWriter(stream, options)
        w.WriteStartObject()
        w.WriteString("id", manifest.Id)
        w.WriteString("version", Versions.formatSemVer manifest.Version)
        w.WriteString("kind", nameOf kinds manifest.Kind)
        w.WriteString("name", manifest.Name)

        if manifest.Description <> "" then
            w.WriteString("description", manifest.Description)

        w.WriteString("entryAssembly", manifest.EntryAssembly)
        w.WriteString("hostApi", Versions.formatApiVersion manifest.HostApi)

        if not manifest.Config.IsEmpty then
            w.WritePropertyName "config"
            ConfigSchema.writeSchema w manifest.Config

        w.WriteStartArray "network"

        for e in manifest.Network do
            w.WriteStartObject()
            w.WriteString("direction", (if e.Direction = Inbound then "in" else "out"))
            w.WriteString("transport", (if e.Transport = Tcp then "tcp" else "udp"))

            match e.Port with
            | Port n -> w.WriteNumber("port", n)
            | PortRange _ -> w.WriteString("port", portText e.Port)

            w.WriteString("zone", e.Zone)
            e.Fqdn |> Option.iter (fun f -> w.WriteString("fqdn", f))
            e.Multicast |> Option.iter (fun m -> w.WriteString("multicast", m))
            w.WriteString("purpose", e.Purpose)
            w.WriteBoolean("required", e.Required)
            e.ConfigKey |> Option.iter (fun k -> w.WriteString("configKey", k))

            match e.FromConfig with
            | Some(PortRangeKey k) -> w.WriteString("portRangeKey", k)
            | Some(FqdnKey k) -> w.WriteString("fqdnKey", k)
            | Some(TargetsKey k) -> w.WriteString("targetsKey", k)
            | None -> ()

            w.WriteEndObject()

        w.WriteEndArray()
        w.WriteStartArray "capabilities"

        manifest.Capabilities
        |> List.iter (fun c -> w.WriteStringValue(nameOf capabilityNames c))

        w.WriteEndArray()
        let surface = manifest.Surface

        if not surface.Routes.IsEmpty then
            w.WriteStartArray "routes"

            for r in surface.Routes do
                w.WriteStartObject()
                w.WriteString("path", r.Path)
                w.WriteStartArray "methods"
                r.Methods |> List.iter w.WriteStringValue
                w.WriteEndArray()
                w.WriteString("access", Routes.accessName r.Access)

                if r.MaxRequestBytes <> Routes.DefaultMaxRequestBytes then
                    w.WriteNumber("maxRequestBytes", r.MaxRequestBytes)

                if r.Purpose <> "" then
                    w.WriteString("purpose", r.Purpose)

                w.WriteEndObject()

            w.WriteEndArray()

        surface.Portal
        |> Option.iter (fun p ->
            w.WriteStartObject "portal"
            w.WriteString("title", p.Title)
            w.WriteString("route", p.Route)
            w.WriteEndObject())

        if not surface.Events.IsEmpty then
            w.WriteStartArray "events"

            for e in surface.Events do
                w.WriteStartObject()
                w.WriteString("type", e.Type)
                w.WriteString("category", e.Category)
                w.WriteString("description", e.Description)
                w.WritePropertyName "schema"
                w.WriteRawValue e.Schema
                w.WriteEndObject()

            w.WriteEndArray()

        if not surface.DigestRealms.IsEmpty then
            w.WriteStartArray "digestRealms"
            surface.DigestRealms |> List.iter w.WriteStringValue
            w.WriteEndArray()

        IsolationFields.write w manifest.Isolation manifest.Limits
        w.WriteEndObject()

    Encoding.UTF8.GetString(stream.ToArray())
