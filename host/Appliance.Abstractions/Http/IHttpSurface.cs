namespace Appliance.Abstractions.Http;

/// <summary>
/// HostApi 1.1 HTTP routes with headers and streamed bodies in both directions.
/// <para>
/// A <em>relative</em> template (<c>"files/{name}"</c>) is served under <see cref="BasePath"/>
/// (<c>/plugins/{id}/files/{name}</c>). An <em>absolute</em> template (<c>"/whep/{stream}"</c>,
/// <c>"/onvif/device_service"</c>) is served at that path and must be declared in the manifest's <c>routes</c>
/// (the host checked at install that it collides with no host route and no other plugin's route).
/// Templates: literal segments, <c>{name}</c> for one segment, <c>{**rest}</c> as the last segment for the rest.
/// </para>
/// <para>
/// The access a route needs is that of the manifest declaration with the same template whose <c>methods</c>
/// include the method; a route without a declaration needs <see cref="RouteAccess.Admin"/> and accepts a body
/// of at most 4 MiB (as in HostApi 1.0). Routes are removed when the plugin stops.
/// </para>
/// </summary>
public interface IHttpSurface
{
    /// <summary>Where relative routes live: <c>/plugins/{id}</c>.</summary>
    string BasePath { get; }

    /// <summary>
    /// Maps <paramref name="method"/> (<c>GET</c> also answers <c>HEAD</c> unless <c>HEAD</c> is mapped) on
    /// <paramref name="template"/>. Throws <see cref="ArgumentException"/> for a malformed template, an absolute
    /// template the manifest does not declare, or a method and template mapped twice (bugs, not input).
    /// </summary>
    void Map(string method, string template, PluginStreamHandler handler);
}
