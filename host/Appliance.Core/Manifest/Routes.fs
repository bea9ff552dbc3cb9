/// Routes a plugin declares in its manifest ("routes", "portal"): template syntax, access levels, and the
/// overlap test that keeps plugin routes off host routes and off each other.
module Appliance.Core.Manifest.Routes

open System
open System.Text.Json
open System.Text.RegularExpressions
open Appliance.Core.Manifest.JsonRead

let private commas (items: string seq) = String.Join(", ", items)

/// Default and largest request body a route may accept.
[<Literal>]
let DefaultMaxRequestBytes = 4194304L

[<Literal>]
let LargestMaxRequestBytes = 1099511627776L

let methodNames = [ "GET"; "HEAD"; "POST"; "PUT"; "PATCH"; "DELETE"; "OPTIONS" ]

let accessNames =
    [
        "admin", AdminAccess
        "operator", OperatorAccess
        "viewer", ViewerAccess
        "own-auth", OwnAuth
    ]

let accessName (a: RouteAccess) =
    accessNames |> List.find (fun (_, v) -> v = a) |> fst

let private routeFields =
    [ "path"; "methods"; "access"; "maxRequestBytes"; "purpose" ]

let private parameterPattern =
    Regex(@"^\{(\*\*)?([A-Za-z][A-Za-z0-9_]{0,30})\}$", RegexOptions.CultureInvariant)

let private literalPattern =
    Regex(@"^[A-Za-z0-9._~!$&'()*+,;=:@-]+$", RegexOptions.CultureInvariant)

/// Parses a template ("files/{name}", "/whep/{stream}", "/onvif/device_service", "static/{**rest}").
let parseTemplate (text: string) : Result<bool * RouteSegment list, string> =
    if String.IsNullOrWhiteSpace text then
        Error "a route path must not be empty"
    elif text.Length > 200 then
        Error $"a route path has at most 200 characters, this one {text.Length}"
    else
        let absolute = text.StartsWith '/'
        let body = if absolute then text.Substring 1 else text
        let parts = if body = "" then [||] else body.Split '/'

        let parsed =
            parts
            |> Array.mapi (fun i p ->
                let m = parameterPattern.Match p

                if p = "" then
                    Error "a route path has no empty segments (no \"//\" and no trailing \"/\")"
                elif p = "." || p = ".." then
                    Error "a route path has no \".\" or \"..\" segments"
                elif m.Success && m.Groups[1].Success then
                    if i = parts.Length - 1 then
                        Ok(CatchAll m.Groups[2].Value)
                    else
                        Error $"{quote p} (catch-all) may only be the last segment"
                elif m.Success then
                    Ok(Parameter m.Groups[2].Value)
                elif literalPattern.IsMatch p then
                    Ok(Literal p)
                else
                    Error
                        $"segment {quote p} is neither a literal (letters, digits, -._~ and sub-delimiters) nor a parameter ({{name}} or {{**rest}})")

        match
            parsed
            |> Array.tryPick (function
                | Error m -> Some m
                | Ok _ -> None)
        with
        | Some m -> Error m
        | None when not absolute && parts.Length = 0 -> Error "a relative route path needs at least one segment"
        | None ->
            let segments =
                parsed
                |> Array.choose (function
                    | Ok s -> Some s
                    | Error _ -> None)
                |> List.ofArray

            let names =
                segments
                |> List.choose (function
                    | Parameter n
                    | CatchAll n -> Some n
                    | Literal _ -> None)

            if names.Length <> (List.distinct names).Length then
                Error "a route path names each parameter once"
            else
                Ok(absolute, segments)

/// True when some request path could match both segment lists (literals compare case-insensitively,
/// as ASP.NET Core routing does).
let rec overlap (a: RouteSegment list) (b: RouteSegment list) =
    match a, b with
    | CatchAll _ :: _, _
    | _, CatchAll _ :: _ -> true
    | [], [] -> true
    | [], _
    | _, [] -> false
    | Literal x :: ra, Literal y :: rb -> String.Equals(x, y, StringComparison.OrdinalIgnoreCase) && overlap ra rb
    | _ :: ra, _ :: rb -> overlap ra rb

/// The full request path template of a declaration: relative ones live under /plugins/{id}/.
let fullSegments (pluginId: string) (r: RouteDeclaration) =
    if r.Absolute then
        r.Segments
    else
        Literal "plugins" :: Literal pluginId :: r.Segments

let private parseRoute (errors: Errors) (path: string) (e: JsonElement) : RouteDeclaration option =
    match fields errors path routeFields e with
    | None -> None
    | Some map ->
        let before = errors.Count

        let template =
            requiredString errors path 400 false map "path"
            |> Option.bind (fun t ->
                match parseTemplate t with
                | Ok v -> Some(t, v)
                | Error m ->
                    errors.Add(child path "path", m)
                    None)

        let methods =
            match require errors path map "methods" with
            | None -> None
            | Some m when m.ValueKind <> JsonValueKind.Array ->
                errors.Add(child path "methods", $"expected an array of HTTP methods, got {kindName m.ValueKind}")
                None
            | Some m ->
                let items = m.EnumerateArray() |> List.ofSeq

                if items.IsEmpty then
                    errors.Add(child path "methods", "name at least one method")

                let names =
                    items
                    |> List.mapi (fun i v ->
                        match stringValue errors (index (child path "methods") i) 10 false v with
                        | Some s when List.contains s methodNames -> Some s
                        | Some s ->
                            errors.Add(
                                index (child path "methods") i,
                                $"{quote s} is not a method ({(commas methodNames)}; upper case)"
                            )

                            None
                        | None -> None)
                    |> List.choose id

                if names.Length <> (List.distinct names).Length then
                    errors.Add(child path "methods", "a method is listed twice")

                Some names

        let access = choice errors path map "access" "an access level" accessNames

        let maxBytes =
            match map.TryFind "maxRequestBytes" with
            | None -> Some DefaultMaxRequestBytes
            | Some v ->
                let number =
                    if v.ValueKind = JsonValueKind.Number then
                        (match v.TryGetInt64() with
                         | true, n -> Some n
                         | _ -> None)
                    else
                        None

                match number with
                | Some n when n >= 0L && n <= LargestMaxRequestBytes -> Some n
                | _ ->
                    errors.Add(
                        child path "maxRequestBytes",
                        $"{shown v} is not a byte count from 0 to {LargestMaxRequestBytes}"
                    )

                    None

        let purpose = optionalString errors path 200 false map "purpose"

        match template, methods, access, maxBytes, purpose with
        | Some(text, (absolute, segments)), Some ms, Some a, Some mb, Ok p when errors.Count = before ->
            Some
                {
                    Path = text
                    Absolute = absolute
                    Segments = segments
                    Methods = ms
                    Access = a
                    MaxRequestBytes = mb
                    Purpose = defaultArg p ""
                }
        | _ -> None

/// Parses "routes"; two declarations of the plugin that overlap on a method are an error.
let internal parseRoutes (errors: Errors) (path: string) (e: JsonElement) : RouteDeclaration list =
    if e.ValueKind <> JsonValueKind.Array then
        errors.Add(path, $"expected an array of routes, got {kindName e.ValueKind}")
        []
    else
        let parsed =
            e.EnumerateArray()
            |> Seq.mapi (fun i r -> i, parseRoute errors (index path i) r)
            |> List.ofSeq

        let valid = parsed |> List.choose (fun (i, r) -> r |> Option.map (fun r -> i, r))

        for i, a in valid do
            for j, b in valid do
                if i < j && a.Absolute = b.Absolute && overlap a.Segments b.Segments then
                    match a.Methods |> List.filter (fun m -> List.contains m b.Methods) with
                    | [] -> ()
                    | common -> errors.Add(index path j, $"overlaps routes[{i}] ({quote a.Path}) on {(commas common)}")

        List.map snd valid

/// Parses "portal" against the parsed routes: a parameterless relative GET route that is not own-auth.
let internal parsePortal
    (errors: Errors)
    (path: string)
    (routes: RouteDeclaration list)
    (e: JsonElement)
    : PortalPage option =
    match fields errors path [ "title"; "route" ] e with
    | None -> None
    | Some map ->
        let title =
            requiredString errors path 40 false map "title"
            |> nonEmpty errors (child path "title")

        let route = requiredString errors path 200 false map "route"

        match route with
        | Some r ->
            match routes |> List.tryFind (fun d -> d.Path = r) with
            | None -> errors.Add(child path "route", $"{quote r} is not a path declared in routes")
            | Some d when d.Absolute ->
                errors.Add(child path "route", "a portal page route is relative (served under /plugins/{id}/)")
            | Some d when not (List.contains "GET" d.Methods) ->
                errors.Add(child path "route", $"route {quote r} does not declare GET")
            | Some d when d.Access = OwnAuth ->
                errors.Add(
                    child path "route",
                    "a portal page is shown to signed-in users; its route cannot be own-auth"
                )
            | Some d when
                d.Segments
                |> List.exists (function
                    | Literal _ -> false
                    | _ -> true)
                ->
                errors.Add(child path "route", "a portal page route has no parameters")
            | Some _ -> ()
        | None -> ()

        match title, route with
        | Some t, Some r -> Some { Title = t; Route = r }
        | _ -> None

/// Parses "digestRealms": up to 8 distinct printable strings without quotes or backslashes.
let internal parseRealms (errors: Errors) (path: string) (e: JsonElement) : string list =
    if e.ValueKind <> JsonValueKind.Array then
        errors.Add(path, $"expected an array of realm names, got {kindName e.ValueKind}")
        []
    else
        let items = e.EnumerateArray() |> List.ofSeq

        if items.Length > 8 then
            errors.Add(path, $"at most 8 realms, got {items.Length}")

        let realms =
            items
            |> List.mapi (fun i v ->
                match stringValue errors (index path i) 100 false v with
                | Some s when s = "" || s |> Seq.exists (fun c -> c < ' ' || c > '~' || c = '"' || c = '\\') ->
                    errors.Add(
                        index path i,
                        $"{quote s} is not a realm (1 to 100 printable ASCII characters, no '\"' or '\\\\')"
                    )

                    None
                | r -> r)
            |> List.choose id

        if realms.Length <> (List.distinct realms).Length then
            errors.Add(path, "a realm is listed twice")

        realms

/// Host routes (as templates) that a plugin's absolute route must not overlap.
let hostRouteTemplates =
    [
        "/"
        "/api/{**rest}"
        "/auth/{**rest}"
        "/plugins/{**rest}"
        "/Plugin/{**rest}"
        "/healthz"
        "/metrics"
        "/openapi/{**rest}"
        "/Index"
        "/Login"
        "/Logout"
        "/Setup"
        "/Plugins"
        "/Events"
        "/Cameras"
        "/Network/{**rest}"
        "/Error"
        "/css/{**rest}"
        "/js/{**rest}"
        "/lib/{**rest}"
        "/favicon.ico"
    ]

/// Absolute routes of one plugin that could match a host route, or a route another plugin declared with a
/// common method: one error per collision, path "routes[i].path". Pure; sorted.
let collisions
    (hostTemplates: string list)
    (others: (string * RouteDeclaration) list)
    (pluginId: string)
    (routes: RouteDeclaration list)
    : ManifestError list =
    let host =
        hostTemplates
        |> List.choose (fun t ->
            match parseTemplate t with
            | Ok(_, s) -> Some(t, s)
            | Error _ -> None)

    [
        for i, r in List.indexed routes do
            if r.Absolute then
                for t, s in host do
                    if overlap r.Segments s then
                        yield
                            {
                                Path = $"routes[{i}].path"
                                Message = $"{quote r.Path} collides with the host route {quote t}"
                            }

            for owner, o in others do
                if owner <> pluginId && overlap (fullSegments pluginId r) (fullSegments owner o) then
                    match r.Methods |> List.filter (fun m -> List.contains m o.Methods) with
                    | [] -> ()
                    | common ->
                        yield
                            {
                                Path = $"routes[{i}].path"
                                Message = $"{quote r.Path} collides with {quote o.Path} of {owner} on {(commas common)}"
                            }
    ]
    |> List.distinct
    |> List.sort
