using Appliance.Abstractions;
using Appliance.Abstractions.Http;

namespace Appliance.Host.Plugins;

/// <summary>Runs a HostApi 1.0 handler behind the 1.1 surface: the body buffered (at most the route's limit, 4 MiB), status + content type + bytes back.</summary>
internal static class LegacyRouteAdapter
{
    public static PluginStreamHandler Wrap(PluginRequestHandler handler, string basePath) => async (request, ct) =>
    {
        var body = ReadOnlyMemory<byte>.Empty;
        if (request.ContentLength is > 0 || request.Header("Transfer-Encoding") is not null)
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            body = buffer.ToArray();
        }
        var path = request.Path.StartsWith(basePath, StringComparison.OrdinalIgnoreCase) ? request.Path[basePath.Length..] : request.Path;
        var legacy = new PluginHttpRequest(request.Method, path, request.RouteValues, request.Query, request.Headers, body, request.Caller.User);
        var response = await handler(legacy, ct);
        return PluginStreamResponse.Bytes(response.Body, response.ContentType, response.StatusCode);
    };
}
