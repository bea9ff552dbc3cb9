using Appliance.Host.Health;
using Appliance.Host.Auth;
using Appliance.Host.Metrics;
using Prometheus;

namespace Appliance.Host.Api;

public static class ApiEndpoints
{
    public const string Prefix = "/api/v1";

    /// <summary>Maps <c>/healthz</c> (anonymous), <c>/metrics</c>, the authenticated <c>/api/v1</c> and the plugins' routes.</summary>
    public static void MapApplianceEndpoints(this WebApplication app)
    {
        // Anonymous: the status word only (no version, no component names); the reasons are on /api/v1/health.
        app.MapGet("/healthz", (HealthRegistry health) => Results.Json(new { status = health.Overall().ToString().ToLowerInvariant() }))
            .AllowAnonymous().ExcludeFromDescription();

        app.UseHttpMetrics();
        app.UseMetricsGate();
        app.MapMetrics("/metrics", app.Services.GetRequiredService<CollectorRegistry>()).AllowAnonymous();
        ApplianceMetrics.Register(app.Services);

        var api = app.MapGroup(Prefix).RequireAuthorization().RequireRateLimiting(Auth.RequestLimits.ApiPolicy);
        api.MapSystemApi();
        api.MapSupportBundleApi();
        api.MapBackupApi();
        api.MapSystemServicesApi();
        api.MapImageUpdateApi(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Configuration.ApplianceOptions>>().Value.ImageUpdates.MaxBundleBytes);
        api.MapPluginsApi();
        api.MapEventsApi();
        api.MapCamerasApi();
        api.MapNetworkApi();
        api.MapAccountApi();
        api.MapUsersApi();
        api.MapRulesApi();
        api.MapCloudApi();
        api.MapSecurityApi();
        api.MapDataUseApi();

        app.MapPluginRoutes();
    }

    /// <summary><c>/metrics</c> only from a management source, or with an API token (Prometheus' bearer_token).</summary>
    private static void UseMetricsGate(this WebApplication app)
    {
        var sources = app.Services.GetRequiredService<SourceAddresses>();
        app.Use(async (http, next) =>
        {
            if (http.Request.Path.StartsWithSegments("/metrics")
                && !sources.IsManagement(http.Connection.RemoteIpAddress)
                && http.User.Identity is not { IsAuthenticated: true, AuthenticationType: TokenAuthenticationHandler.SchemeName })
            {
                http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await http.Response.WriteAsJsonAsync(new { title = "Unauthorized", status = 401, detail = "metrics: send an API token, or scrape from a management source" });
                return;
            }
            await next(http);
        });
    }
}
