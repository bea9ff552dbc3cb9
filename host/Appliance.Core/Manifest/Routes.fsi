module Appliance.Core.Manifest.Routes

/// Default and largest request body a route may accept.
[<Literal>]
val DefaultMaxRequestBytes: int64 = 4194304L

[<Literal>]
val LargestMaxRequestBytes: int64 = 1099511627776L

val methodNames: string list

val accessNames: (string * Appliance.Core.Manifest.RouteAccess) list

val accessName: a: Appliance.Core.Manifest.RouteAccess -> string

/// Parses a template ("files/{name}", "/whep/{stream}", "/onvif/device_service", "static/{**rest}").
val parseTemplate: text: string -> Result<(bool * Appliance.Core.Manifest.RouteSegment list), string>

/// True when some request path could match both segment lists (literals compare case-insensitively,
/// as ASP.NET Core routing does).
val overlap: a: Appliance.Core.Manifest.RouteSegment list -> b: Appliance.Core.Manifest.RouteSegment list -> bool

/// The full request path template of a declaration: relative ones live under /plugins/{id}/.
val fullSegments:
    pluginId: string -> r: Appliance.Core.Manifest.RouteDeclaration -> Appliance.Core.Manifest.RouteSegment list

/// Parses "routes"; two declarations of the plugin that overlap on a method are an error.
val internal parseRoutes:
    errors: Appliance.Core.Manifest.JsonRead.Errors ->
    path: string ->
    e: System.Text.Json.JsonElement ->
        Appliance.Core.Manifest.RouteDeclaration list

/// Parses "portal" against the parsed routes: a parameterless relative GET route that is not own-auth.
val internal parsePortal:
    errors: Appliance.Core.Manifest.JsonRead.Errors ->
    path: string ->
    routes: Appliance.Core.Manifest.RouteDeclaration list ->
    e: System.Text.Json.JsonElement ->
        Appliance.Core.Manifest.PortalPage option

/// Parses "digestRealms": up to 8 distinct printable strings without quotes or backslashes.
val internal parseRealms:
    errors: Appliance.Core.Manifest.JsonRead.Errors -> path: string -> e: System.Text.Json.JsonElement -> string list

/// Host routes (as templates) that a plugin's absolute route must not overlap.
val hostRouteTemplates: string list

/// Absolute routes of one plugin that could match a host route, or a route another plugin declared with a
/// common method: one error per collision, path "routes[i].path". Pure; sorted.
val collisions:
    hostTemplates: string list ->
    others: (string * Appliance.Core.Manifest.RouteDeclaration) list ->
    pluginId: string ->
    routes: Appliance.Core.Manifest.RouteDeclaration list ->
        Appliance.Core.Manifest.ManifestError list
