using System.Collections.Concurrent;
using Appliance.Abstractions;
using Microsoft.AspNetCore.Routing.Template;

namespace Appliance.Host.Plugins;

/// <summary>
/// Routes plugins mapped under <c>/plugins/{id}/</c>. One catch-all endpoint dispatches here, so routes come
/// and go with the plugin without rebuilding the host's endpoint table.
/// </summary>
public sealed class PluginRouteTable
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<PluginRoute>> _routes = new();

    public void Replace(string pluginId, IReadOnlyList<PluginRoute> routes) => _routes[pluginId] = routes;

    public void Remove(string pluginId) => _routes.TryRemove(pluginId, out _);

    public bool TryMatch(string pluginId, string method, string path, out PluginRoute? route, out RouteValueDictionary values)
    {
        values = new RouteValueDictionary();
        route = null;
        if (!_routes.TryGetValue(pluginId, out var routes)) return false;
        foreach (var candidate in routes)
        {
            if (!string.Equals(candidate.Method, method, StringComparison.OrdinalIgnoreCase)) continue;
            var attempt = new RouteValueDictionary();
            if (candidate.Matcher.TryMatch("/" + path.TrimStart('/'), attempt))
            {
                route = candidate;
                values = attempt;
                return true;
            }
        }
        return false;
    }

    public IReadOnlyList<(string PluginId, string Method, string Template)> List() =>
        _routes.SelectMany(kv => kv.Value.Select(r => (kv.Key, r.Method, r.Template))).ToList();
}

public sealed record PluginRoute(string Method, string Template, TemplateMatcher Matcher, PluginRequestHandler Handler);

/// <summary>Collects a plugin's routes during its start; published to the table when the plugin is running.</summary>
internal sealed class PluginRouteRegistry : IRouteRegistry
{
    private readonly List<PluginRoute> _routes = [];
    private readonly object _gate = new();

    public void Map(string method, string template, PluginRequestHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(handler);
        var parsed = TemplateParser.Parse(template.TrimStart('/'));
        var matcher = new TemplateMatcher(parsed, new RouteValueDictionary());
        lock (_gate) _routes.Add(new PluginRoute(method.ToUpperInvariant(), template, matcher, handler));
    }

    public IReadOnlyList<PluginRoute> Snapshot()
    {
        lock (_gate) return _routes.ToArray();
    }

    public void Clear()
    {
        lock (_gate) _routes.Clear();
    }
}
