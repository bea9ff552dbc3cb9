using System.Buffers;
using System.Text;
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

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void MapNetworkPlanApi(this RouteGroupBuilder network)
    {
        network.MapPost("/plan", async (HttpRequest request, CancellationToken ct) =>
        {
            var (text, error) = await ReadBodyAsync(request, ct);
            if (error is not null) return Refused([error]);
            var (plan, errors) = BandwidthPlanner.Plan(text!);
            return plan is null ? Refused(errors) : Results.Text(BandwidthJson.writePlan(plan), "application/json; charset=utf-8");
        }).WithName("PlanNetworkBandwidth").WithSummary("Plan the bandwidth of a set of cameras and streams");

        network.MapGet("/plan/defaults", (CameraStore cameras) =>
            Results.Text(BandwidthJson.writeInput(BandwidthPlanner.Defaults(cameras)), "application/json; charset=utf-8"))
            .WithName("GetNetworkPlanDefaults").WithSummary("The bandwidth planner's inputs prefilled from the configured cameras");
    }

    /// <summary>A 400 problem whose detail lists every error and whose <c>errors</c> extension holds them one by one.</summary>
    private static IResult Refused(IReadOnlyList<string> errors) =>
        Results.Problem(detail: string.Join("; ", errors), statusCode: 400, title: "Refused",
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    /// <summary>The body as text: at most <see cref="MaxBodyBytes"/> bytes of valid UTF-8.</summary>
    private static async Task<(string? Text, string? Error)> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
            return (null, $"body: {request.ContentLength} bytes; the limit is {MaxBodyBytes}");
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBodyBytes + 1);
        try
        {
            var length = 0;
            while (length <= MaxBodyBytes)
            {
                var read = await request.Body.ReadAsync(buffer.AsMemory(length, MaxBodyBytes + 1 - length), ct);
                if (read == 0) break;
                length += read;
            }
            if (length > MaxBodyBytes) return (null, $"body: more than {MaxBodyBytes} bytes; the limit is {MaxBodyBytes}");
            var start = length >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0;
            if (length - start == 0) return (null, "body: empty; send the plan input as JSON (GET /api/v1/network/plan/defaults gives one to start from)");
            return (Utf8.GetString(buffer, start, length - start), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, "body: not valid UTF-8");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
