namespace Appliance.Host.Portal;

/// <summary>
/// Error statuses of portal addresses (an unknown URL, a page that threw) answered with the styled
/// <c>/Error/{code}</c> page instead of an empty body. Machine surfaces keep their own bodies: the API, plugin
/// routes, the auth endpoints, health and metrics answer as before.
/// </summary>
public static class PortalErrorPages
{
    public static void UsePortalErrorPages(this WebApplication app)
    {
        app.UseStatusCodePagesWithReExecute("/Error/{0}");
        app.Use((http, next) =>
        {
            if (!IsPortalAddress(http.Request.Path) && http.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } feature)
                feature.Enabled = false;
            return next(http);
        });
    }

    /// <summary>Whether an error at <paramref name="path"/> is shown as a page (people) rather than left to the caller (machines).</summary>
    public static bool IsPortalAddress(PathString path)
    {
        var pluginRoute = path.StartsWithSegments("/plugins", out var rest) && rest.Value is { Length: > 1 };
        return !(pluginRoute
                 || path.StartsWithSegments("/api")
                 || path.StartsWithSegments("/auth")
                 || path.StartsWithSegments("/healthz")
                 || path.StartsWithSegments("/metrics")
                 || path.StartsWithSegments("/openapi"));
    }
}
