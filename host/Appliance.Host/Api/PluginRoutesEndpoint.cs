using Appliance.Abstractions;
using Appliance.Host.Plugins;

namespace Appliance.Host.Api;

/// <summary>Dispatches <c>/plugins/{id}/...</c> to the routes the running plugin mapped (authenticated like the API).</summary>
internal static class PluginRoutesEndpoint
{
    private const int MaxBody = 4 * 1024 * 1024;

    public static void MapPluginRoutes(this WebApplication app)
    {
        app.Map("/plugins/{id}/{**path}", async (HttpContext http, string id, string? path, PluginRouteTable routes, CancellationToken ct) =>
        {
            if (!routes.TryMatch(id, http.Request.Method, path ?? "", out var route, out var values) || route is null)
                return Results.Problem(detail: $"plugin '{id}' has no route {http.Request.Method} /{path}", statusCode: 404, title: "Not found");
            var body = ReadOnlyMemory<byte>.Empty;
            if (http.Request.ContentLength is > MaxBody) return Results.Problem(detail: "request body larger than 4 MiB", statusCode: 413);
            if (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0)
            {
                using var buffer = new MemoryStream();
                await http.Request.Body.CopyToAsync(buffer, ct);
                if (buffer.Length > MaxBody) return Results.Problem(detail: "request body larger than 4 MiB", statusCode: 413);
                body = buffer.ToArray();
            }
            var request = new PluginHttpRequest(
                http.Request.Method,
                "/" + (path ?? ""),
                values.ToDictionary(v => v.Key, v => v.Value?.ToString() ?? ""),
                http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
                http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body,
                http.User.Identity?.Name);
            try
            {
                var response = await route.Handler(request, ct);
                http.Response.StatusCode = response.StatusCode;
                http.Response.ContentType = response.ContentType;
                await http.Response.Body.WriteAsync(response.Body, ct);
                return Results.Empty;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                app.Logger.LogError(ex, "Plugin {Plugin} route {Route} threw", id, route.Template);
                return Results.Problem(detail: $"plugin '{id}' failed to answer: {ex.GetType().Name}", statusCode: 500);
            }
        }).RequireAuthorization().DisableAntiforgery().ExcludeFromDescription();
    }
}
