using Appliance.Host.Health;
using Appliance.Host.Plugins;
using Appliance.Host.SystemServices;

namespace Appliance.Host.Api;

internal static class SystemApi
{
    public static void MapSystemApi(this RouteGroupBuilder api)
    {
        api.MapGet("/status", (SystemInfo system, HealthRegistry health, PluginManager plugins) =>
        {
            var snapshot = system.Sample();
            var list = plugins.List();
            return Results.Ok(new StatusResponse(
                snapshot,
                health.Overall().ToString().ToLowerInvariant(),
                list.Count,
                list.Count(p => p.State == PluginState.Running),
                list.Count(p => p.State is PluginState.Quarantined or PluginState.Invalid)));
        }).WithName("GetStatus").WithSummary("The appliance's version, uptime, overall health and plugin counts").WithTags("system");

        api.MapGet("/health", (HealthRegistry health) => Results.Ok(HealthResponse.From(health)))
            .WithName("GetHealth").WithSummary("Health of every component with its reason").WithTags("system");
    }
}

public sealed record StatusResponse(SystemSnapshot System, string Health, int Plugins, int PluginsRunning, int PluginsFailed);

public sealed record HealthResponse(string Overall, IReadOnlyList<HealthLine> Components)
{
    public static HealthResponse From(HealthRegistry health) => new(
        health.Overall().ToString().ToLowerInvariant(),
        health.All().Select(h => new HealthLine(h.Owner, h.Report.Component, h.Report.State.ToString().ToLowerInvariant(), h.Report.Message, h.Report.At)).ToList());
}

public sealed record HealthLine(string Owner, string Component, string State, string Message, DateTimeOffset At);
