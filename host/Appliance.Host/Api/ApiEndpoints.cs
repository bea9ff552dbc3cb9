using Appliance.Abstractions;
using Appliance.Host.Health;
using Appliance.Host.SystemServices;
using Prometheus;

namespace Appliance.Host.Api;

public static class ApiEndpoints
{
    public const string Prefix = "/api/v1";

    /// <summary>Maps <c>/healthz</c> (anonymous), <c>/metrics</c>, the authenticated <c>/api/v1</c> and the plugins' routes.</summary>
    public static void MapApplianceEndpoints(this WebApplication app)
    {
        app.MapGet("/healthz", (HealthRegistry health, SystemInfo system) =>
        {
            var overall = health.Overall();
            return Results.Json(new { status = overall.ToString().ToLowerInvariant(), version = SystemInfo.Version },
                statusCode: overall == HealthState.Unhealthy ? 200 : 200);
        }).AllowAnonymous().ExcludeFromDescription();

        app.UseHttpMetrics();
        app.MapMetrics("/metrics", app.Services.GetRequiredService<CollectorRegistry>()).AllowAnonymous();
        ApplianceMetrics.Register(app.Services);

        var api = app.MapGroup(Prefix).RequireAuthorization();
        api.MapSystemApi();
        api.MapPluginsApi();
        api.MapEventsApi();
        api.MapCamerasApi();
        api.MapNetworkApi();

        app.MapPluginRoutes();
    }
}
