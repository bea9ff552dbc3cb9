using Appliance.Abstractions;
using Appliance.Abstractions.Http;
using Appliance.Core.Manifest;
using RouteAccess = Appliance.Abstractions.Http.RouteAccess;
using Microsoft.AspNetCore.Routing.Template;

namespace Appliance.Host.Plugins;

/// <summary>
/// Collects a plugin's routes during its start (1.0 <see cref="IRouteRegistry"/> and 1.1 <see cref="IHttpSurface"/>);
/// published to the <see cref="PluginRouteTable"/> when the plugin is running. Access and body limits come from the
/// manifest's route declarations; an undeclared route needs admin and accepts 4 MiB.
/// </summary>
internal sealed class PluginHttpSurface(string pluginId, IReadOnlyList<RouteDeclaration> declarations) : IHttpSurface, IRouteRegistry
{
    private readonly List<PluginRoute> _routes = [];
    private readonly object _gate = new();

    public string BasePath { get; } = "/plugins/" + pluginId;

    public void Map(string method, string template, PluginStreamHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(handler);
        Add(method, template, handler);
    }

    /// <summary>HostApi 1.0: always relative (a leading '/' was ignored in 1.0), buffered.</summary>
    void IRouteRegistry.Map(string method, string template, PluginRequestHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(handler);
        Add(method, template.TrimStart('/'), LegacyRouteAdapter.Wrap(handler, BasePath));
    }

    private void Add(string method, string template, PluginStreamHandler handler)
    {
        var upper = method.ToUpperInvariant();
        if (!Routes.methodNames.Contains(upper)) throw new ArgumentException($"'{method}' is not a supported HTTP method", nameof(method));
        var parsed = ManifestFacade.IsAbsoluteTemplate(template);
        if (!parsed.IsOk) throw new ArgumentException($"route template '{template}': {parsed.Failure!.Message}", nameof(template));
        var absolute = parsed.Value;
        var declaration = declarations.FirstOrDefault(d => d.Path == template && d.Methods.Contains(upper));
        if (absolute && declaration is null)
            throw new ArgumentException($"absolute route {upper} {template} is not declared in the manifest's routes", nameof(template));
        var matcher = new TemplateMatcher(TemplateParser.Parse(template.TrimStart('/')), new RouteValueDictionary());
        var route = new PluginRoute(
            pluginId, upper, template, absolute, matcher,
            declaration is null ? RouteAccess.Admin : ToAccess(declaration.Access),
            declaration?.MaxRequestBytes ?? Routes.DefaultMaxRequestBytes,
            handler);
        lock (_gate)
        {
            if (_routes.Any(r => r.Method == upper && r.Template == template))
                throw new ArgumentException($"route {upper} {template} is mapped twice", nameof(template));
            _routes.Add(route);
        }
    }

    public static RouteAccess ToAccess(Appliance.Core.Manifest.RouteAccess access) =>
        access.IsOwnAuth ? RouteAccess.OwnAuth
        : access.IsViewerAccess ? RouteAccess.Viewer
        : access.IsOperatorAccess ? RouteAccess.Operator
        : RouteAccess.Admin;

    public IReadOnlyList<PluginRoute> Snapshot()
    {
        lock (_gate) return _routes.ToArray();
    }

    public void Clear()
    {
        lock (_gate) _routes.Clear();
    }
}
