using Appliance.Host.Plugins;

namespace Appliance.Host.Api;

/// <summary>
/// Dispatches <c>/plugins/{id}/...</c> to the relative routes the running plugin mapped, and any other path to an
/// absolute route a plugin declared (checked at install not to collide with host routes). Each route's access is
/// enforced by <see cref="PluginRequestDispatcher"/>.
/// </summary>
internal static class PluginRoutesEndpoint
{
    public static void MapPluginRoutes(this WebApplication app)
    {
        app.Map("/plugins/{id}/{**path}", async (HttpContext http, string id, string? path, PluginRouteTable routes, PluginRequestDispatcher dispatcher) =>
        {
            if (!routes.TryMatch(id, http.Request.Method, path ?? "", out var route, out var values) || route is null)
            {
                // An anonymous caller learns nothing about which plugins or routes exist: 401 before 404/405.
                if (http.User.Identity?.IsAuthenticated != true)
                    return Results.Problem(detail: "sign in or send a bearer token", statusCode: 401, title: "Unauthorized");
                var status = routes.AnyMethodMatches(id, path ?? "") ? 405 : 404;
                return Results.Problem(detail: $"plugin '{id}' has no route {http.Request.Method} /{path}", statusCode: status, title: status == 405 ? "Method not allowed" : "Not found");
            }
            await dispatcher.DispatchAsync(http, route, values);
            return Results.Empty;
        }).DisableAntiforgery().ExcludeFromDescription();
    }

    /// <summary>Absolute plugin routes (e.g. <c>/whep/{stream}</c>): served before the host's endpoints, which they never overlap.</summary>
    public static void UsePluginAbsoluteRoutes(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            var routes = http.RequestServices.GetRequiredService<PluginRouteTable>();
            if (routes.TryMatchAbsolute(http.Request.Method, http.Request.Path.Value ?? "/", out var route, out var values) && route is not null)
            {
                await http.RequestServices.GetRequiredService<PluginRequestDispatcher>().DispatchAsync(http, route, values);
                return;
            }
            await next(http);
        });
    }
}
