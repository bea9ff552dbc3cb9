using Appliance.Host.Cameras;
using Appliance.Host.DataUse;
using Appliance.Host.Network;

namespace Appliance.Host.Api;

/// <summary><c>GET /datause?month=YYYY-MM</c>: bytes sent off the site per day and month and category, and the planner's estimate.</summary>
internal static class DataUseApi
{
    public static void MapDataUseApi(this RouteGroupBuilder api)
    {
        api.MapGet("/datause", (string? month, DataUseStore store, CameraStore cameras, TimeProvider time) =>
        {
            if (!DataUseReport.ParseMonth(month, time.GetUtcNow()).TryGetValue(out var first, out var bad))
            {
                return Results.Problem(detail: bad.Message, statusCode: 400, title: "Refused");
            }

            var plan = BandwidthPlanner.Plan(Appliance.Core.Network.BandwidthJson.writeInput(BandwidthPlanner.Defaults(cameras)));
            if (!plan.TryGetValue(out var estimate, out var failure))
            {
                return Results.Problem(detail: failure.Message, statusCode: 500, title: "The planner refused its own defaults");
            }

            return Results.Ok(DataUseReport.Build(first, store.Month(first), estimate));
        }).WithName("GetDataUse").WithTags("datause")
            .WithSummary("Bytes sent off the site per day and for the month, per category, next to the bandwidth planner's estimate")
            .Produces<DataUseResponse>();
    }
}
