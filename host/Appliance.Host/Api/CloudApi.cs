using Appliance.Host.Cloud;

namespace Appliance.Host.Api;

internal static class CloudApi
{
    public static void MapCloudApi(this RouteGroupBuilder api)
    {
        api.MapGet("/cloud", (CloudLinkService link, CloudCounters counters, Microsoft.Extensions.Options.IOptions<Configuration.ApplianceOptions> options) =>
        {
            var status = link.Status;
            return Results.Ok(new CloudStatusResponse(
                options.Value.Cloud.Enabled,
                link.DeviceId,
                status?.Connected ?? false,
                status?.Broker?.ToString(),
                status?.Protocol,
                status?.Problem,
                status?.Since,
                counters.EventsSent,
                counters.TelemetrySent,
                counters.CommandsRun,
                counters.CommandsRefused));
        }).WithName("GetCloudLink").WithSummary("The cloud link: connected broker or why not, and what it has sent and run").WithTags("cloud");
    }
}

public sealed record CloudStatusResponse(
    bool Enabled,
    string? DeviceId,
    bool Connected,
    string? Broker,
    string? Protocol,
    string? Problem,
    DateTimeOffset? Since,
    long EventsSent,
    long TelemetrySent,
    long CommandsRun,
    long CommandsRefused);
