using Appliance.Core.Network;
using Appliance.Host.Cameras;
using Appliance.Host.Network;

namespace Appliance.Host.Api;

/// <summary>
/// The bandwidth and data planner: <c>POST /network/plan</c> (body: the plan input JSON, see
/// <c>Appliance.Core.Network.BandwidthJson</c>) and <c>GET /network/plan/defaults</c> (an input built from the
/// configured cameras and their measured stream health).
/// </summary>
internal static class NetworkPlanApi
{
    /// <summary>Largest accepted body in bytes (never more characters than the core's limit).</summary>
    public static readonly int MaxBodyBytes = BandwidthJson.maxJsonLength;

    private const string WhenEmpty = "send the plan input as JSON (GET /api/v1/network/plan/defaults gives one to start from)";

    public static void MapNetworkPlanApi(this RouteGroupBuilder network)
    {
        network.MapPost("/plan", async (HttpRequest request, CancellationToken ct) =>
        {
            var body = await RequestBody.ReadUtf8Async(request, MaxBodyBytes, WhenEmpty, ct);
            if (!body.IsOk) return Refused([body.Failure!.Message]);
            var plan = BandwidthPlanner.Plan(body.Value);
            return plan.IsOk ? Results.Text(BandwidthJson.writePlan(plan.Value), "application/json; charset=utf-8") : Refused(plan.Failure!.Errors);
        }).WithName("PlanNetworkBandwidth").WithSummary("Plan the bandwidth of a set of cameras and streams");

        network.MapGet("/plan/defaults", (CameraStore cameras) =>
            Results.Text(BandwidthJson.writeInput(BandwidthPlanner.Defaults(cameras)), "application/json; charset=utf-8"))
            .WithName("GetNetworkPlanDefaults").WithSummary("The bandwidth planner's inputs prefilled from the configured cameras");
    }

    /// <summary>A 400 problem whose detail lists every error and whose <c>errors</c> extension holds them one by one.</summary>
    private static IResult Refused(IReadOnlyList<string> errors) =>
        Results.Problem(detail: string.Join("; ", errors), statusCode: 400, title: "Refused",
            extensions: new Dictionary<string, object?> { ["errors"] = errors });
}
