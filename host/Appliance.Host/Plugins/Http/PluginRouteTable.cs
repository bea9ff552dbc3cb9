using System.Collections.Concurrent;
using Appliance.Abstractions;
using Appliance.Abstractions.Http;
using Microsoft.AspNetCore.Routing.Template;

namespace Appliance.Host.Plugins;

/// <summary>
/// Routes of running plugins: relative ones under <c>/plugins/{id}/</c> and absolute ones declared in manifests.
/// One catch-all endpoint and one middleware dispatch here, so routes come and go with the plugin without
/// rebuilding the host's endpoint table.
/// </summary>
public sealed class PluginRouteTable
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<PluginRoute>> _routes = new();

    public void Replace(string pluginId, IReadOnlyList<PluginRoute> routes) => _routes[pluginId] = routes;

    public void Remove(string pluginId) => _routes.TryRemove(pluginId, out _);

    /// <summary>A relative route of <paramref name="pluginId"/> for <paramref name="path"/> (relative to <c>/plugins/{id}/</c>).</summary>
    public bool TryMatch(string pluginId, string method, string path, out PluginRoute? route, out RouteValueDictionary values)
    {
        values = new RouteValueDictionary();
        route = null;
        return _routes.TryGetValue(pluginId, out var routes) && Match(routes.Where(r => !r.Absolute), method, path, out route, out values);
    }

    /// <summary>An absolute route of any running plugin for <paramref name="path"/>.</summary>
    public bool TryMatchAbsolute(string method, string path, out PluginRoute? route, out RouteValueDictionary values)
    {
        route = null;
        values = new RouteValueDictionary();
        foreach (var (_, routes) in _routes)
            if (Match(routes.Where(r => r.Absolute), method, path, out route, out values)) return true;
        return false;
    }

    /// <summary>Whether some route (any method) matches: a wrong method is then 405, not 404.</summary>
    public bool AnyMethodMatches(string pluginId, string path) =>
        _routes.TryGetValue(pluginId, out var routes) && routes.Any(r => !r.Absolute && r.Matcher.TryMatch("/" + path.TrimStart('/'), new RouteValueDictionary()));

    private static bool Match(IEnumerable<PluginRoute> routes, string method, string path, out PluginRoute? route, out RouteValueDictionary values)
    {
        values = new RouteValueDictionary();
        route = null;
        var candidates = routes.ToList();
        // GET answers HEAD unless HEAD is mapped on the same template.
        foreach (var wanted in HttpMethods.IsHead(method) ? new[] { "HEAD", "GET" } : [method.ToUpperInvariant()])
        {
            foreach (var candidate in candidates)
            {
                if (candidate.Method != wanted) continue;
                var attempt = new RouteValueDictionary();
                if (candidate.Matcher.TryMatch("/" + path.TrimStart('/'), attempt))
                {
                    route = candidate;
                    values = attempt;
                    return true;
                }
            }
        }
        return false;
    }

    public IReadOnlyList<(string PluginId, string Method, string Template)> List() =>
        _routes.SelectMany(kv => kv.Value.Select(r => (kv.Key, r.Method, r.Template))).ToList();
}

/// <summary>
/// One mapped route: its template (absolute or relative), the access and body limit from the manifest's declaration,
/// and the handler (1.0 handlers are wrapped into streamed ones that buffer at most 4 MiB).
/// </summary>
public sealed record PluginRoute(
    string PluginId,
    string Method,
    string Template,
    bool Absolute,
    TemplateMatcher Matcher,
    RouteAccess Access,
    long MaxRequestBytes,
    PluginStreamHandler Handler);
