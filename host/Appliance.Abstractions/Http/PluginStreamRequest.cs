namespace Appliance.Abstractions.Http;

/// <summary>
/// An HTTP request as a HostApi 1.1 handler sees it (no web framework types cross the plugin boundary).
/// <see cref="Body"/> is the request body as it arrives: read it once, in pieces; nothing is buffered by the host,
/// so an upload larger than memory can be copied straight to disk. Reading more than the route's declared
/// <c>maxRequestBytes</c> throws <see cref="IOException"/> and the host answers 413.
/// </summary>
/// <param name="Method">Upper-case method (<c>GET</c>, <c>HEAD</c>, <c>POST</c>...).</param>
/// <param name="Path">The path as requested, e.g. <c>/plugins/acme.vms/files/a.mp4</c> or <c>/whep/lobby</c>.</param>
/// <param name="RouteValues">Values of the template's parameters (<c>{name}</c>, <c>{**rest}</c>).</param>
/// <param name="Query">Query parameters; a repeated parameter's values are joined with a comma.</param>
/// <param name="Headers">Request headers, case-insensitive names; repeated values joined with a comma.</param>
/// <param name="ContentLength">The declared body length, null when unknown (chunked) or absent.</param>
/// <param name="Body">The streamed request body (empty stream when there is none).</param>
/// <param name="Caller">Who is calling: the signed-in user and role, or nobody on an <c>own-auth</c> route.</param>
/// <param name="RemoteAddress">The peer's IP address as text (for logs, rate limits, protocol sessions).</param>
public sealed record PluginStreamRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> RouteValues,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Headers,
    long? ContentLength,
    Stream Body,
    PluginCaller Caller,
    string? RemoteAddress)
{
    /// <summary>A header's value, or null (names are case-insensitive).</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>
/// The caller of a route. <see cref="User"/> and <see cref="Role"/> are set when the host authenticated the request
/// (routes of access <c>admin</c>, <c>operator</c>, <c>viewer</c>); both are null on <c>own-auth</c> routes, which
/// authenticate the request themselves (e.g. with <see cref="Services.IUserVerifier"/> or a bearer token).
/// </summary>
public sealed record PluginCaller(string? User, UserRole? Role)
{
    /// <summary>No authenticated caller (an <c>own-auth</c> route).</summary>
    public static readonly PluginCaller Anonymous = new(null, null);
}

/// <summary>
/// The access a route needs, declared per route in the manifest (<c>"access"</c>). <see cref="OwnAuth"/> routes are
/// reached without the portal's session or token (no CSRF check either): the plugin authenticates the request itself.
/// </summary>
public enum RouteAccess { Viewer, Operator, Admin, OwnAuth }
