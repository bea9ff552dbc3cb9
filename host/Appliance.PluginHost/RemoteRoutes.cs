using System.Collections.Concurrent;
using Appliance.Abstractions;
using Appliance.Isolation.Wire;

namespace Appliance.PluginHost;

/// <summary>HostApi 1.0 routes: mapped on the host (which serves and authenticates them) and answered here.</summary>
internal sealed class RemoteRoutes(HostLink host) : IRouteRegistry
{
    private readonly ConcurrentDictionary<int, PluginRequestHandler> _handlers = new();
    private int _next;

    public void Map(string method, string template, PluginRequestHandler handler)
    {
        var handle = Interlocked.Increment(ref _next);
        _handlers[handle] = handler;
        host.Call(Ops.MapRoute, new MapRouteArgs(handle, method, template));
    }

    public async Task<HttpResponseArgs> HandleAsync(HttpRequestArgs args, CancellationToken cancellationToken)
    {
        if (!_handlers.TryGetValue(args.Handle, out var handler))
            return new HttpResponseArgs(404, "text/plain", "no such route in the plugin's process"u8.ToArray());
        var response = await handler(new PluginHttpRequest(args.Method, args.Path, args.RouteValues, args.Query, args.Headers, args.Body, args.User), cancellationToken);
        return new HttpResponseArgs(response.StatusCode, response.ContentType, response.Body.ToArray());
    }
}
