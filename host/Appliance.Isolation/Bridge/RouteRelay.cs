using System.Collections.Concurrent;
using Appliance.Abstractions;
using Appliance.Abstractions.Http;

namespace Appliance.Isolation.Bridge;

/// <summary>
/// The HTTP routes of an isolated plugin, as the host serves them: mapped into the host context once per
/// (method, template), HostApi 1.0 routes on <see cref="IRouteRegistry"/> and 1.1 routes on <see cref="IHttpSurface"/>,
/// and relayed to whichever child process runs now. While the child restarts a route answers 503.
/// </summary>
internal sealed class RouteRelay(IRouteRegistry routes, Func<IHttpSurface>? http = null)
{
    private readonly ConcurrentDictionary<(string Method, string Template), bool> _mapped = new();
    private readonly ConcurrentDictionary<(string Method, string Template), bool> _streamed = new();
    private volatile HostBridge? _current;

    public void Attach(HostBridge? bridge) => _current = bridge;

    public void Map(string method, string template)
    {
        if (!_mapped.TryAdd((method.ToUpperInvariant(), template), true)) return;
        routes.Map(method, template, (request, ct) =>
        {
            var bridge = _current;
            return bridge is null
                ? Task.FromResult(PluginHttpResponse.Text("the plugin's process is restarting", 503))
                : bridge.HandleHttpAsync(method.ToUpperInvariant(), template, request, ct);
        });
    }

    /// <summary>Maps a 1.1 route on the host's surface (the first time); throws <see cref="ArgumentException"/> as
    /// <see cref="IHttpSurface.Map"/> does (undeclared absolute template, malformed template).</summary>
    public void MapStream(string method, string template)
    {
        var key = (method.ToUpperInvariant(), template);
        if (_streamed.ContainsKey(key)) return;
        var surface = http?.Invoke() ?? throw new NotSupportedException("the host has no HostApi 1.1 HTTP surface");
        surface.Map(method, template, (request, ct) =>
        {
            var bridge = _current;
            return bridge is null
                ? Task.FromResult(PluginStreamResponse.Text("the plugin's process is restarting; try again", 503))
                : bridge.HandleStreamAsync(key.Item1, template, request, ct);
        });
        _streamed[key] = true;
    }
}
