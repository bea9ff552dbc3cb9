using System.Globalization;
using Appliance.Host.Cameras;
using Appliance.Host.DataUse;
using Appliance.Host.Network;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.Host.Pages.Network;

/// <summary>
/// Data use (administrators): bytes sent off the site this month per category and per day, next to the bandwidth
/// planner's estimate for the same cameras, as <c>GET /api/v1/datause</c> gives them.
/// </summary>
public sealed class DataUseModel(DataUseStore store, CameraStore cameras, TimeProvider time) : PageModel
{
    public DataUseResponse? Report { get; private set; }

    public string? Error { get; private set; }

    public void OnGet(string? month)
    {
        if (!DataUseReport.ParseMonth(month, time.GetUtcNow()).TryGetValue(out var first, out var bad))
        {
            Error = bad.Message;
            return;
        }
        var plan = BandwidthPlanner.Plan(Appliance.Core.Network.BandwidthJson.writeInput(BandwidthPlanner.Defaults(cameras)));
        if (!plan.TryGetValue(out var estimate, out var failure))
        {
            Error = failure.Message;
            return;
        }
        Report = DataUseReport.Build(first, store.Month(first), estimate);
    }

    public static string Size(long bytes) => bytes switch
    {
        >= 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.00} GB"),
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0} MB"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e3:0.0} kB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };
}
