using System.Globalization;
using Appliance.Core.Network;
using Appliance.Host.Cameras;
using Appliance.Host.Network;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.Host.Pages.Network;

/// <summary>
/// The bandwidth and data planner: a form prefilled from the configured cameras (measured stream figures where
/// known, a typical camera's otherwise), and the plan: peak upload, viewing, data per 30 days, advice.
/// </summary>
public sealed class PlanModel(CameraStore cameras) : PageModel
{
    /// <summary>A camera nothing is known about: a typical camera's streams.</summary>
    private static readonly BandwidthDefaults.CameraObservation Unknown = NetworkFacade.UnknownCamera;

    [BindProperty]
    public PlanForm Form { get; set; } = new();

    public Bandwidth.SitePlan? Result { get; private set; }

    public IReadOnlyList<string> Errors { get; private set; } = [];

    /// <summary>The input as JSON, for <c>appliancectl network plan --input</c>.</summary>
    public string InputJson { get; private set; } = "";

    public void OnGet()
    {
        Form = PlanForm.From(BandwidthPlanner.Defaults(cameras));
        Calculate();
    }

    /// <summary>Calculates, or adds/removes a row (<paramref name="edit"/>: add-camera, remove-camera:2, ...) and shows the form again.</summary>
    public IActionResult OnPost(string? edit)
    {
        if (edit == "reset") return RedirectToPage();
        if (edit is not null)
        {
            ModelState.Clear();
            Edit(edit);
            InputJson = Form.ToJson();
            return Page();
        }
        Calculate();
        return Page();
    }

    private void Calculate()
    {
        InputJson = Form.ToJson();
        var plan = BandwidthPlanner.Plan(InputJson);
        Result = plan.IsOk ? plan.Value : null;
        Errors = plan.Failure?.Errors ?? [];
    }

    private void Edit(string edit)
    {
        var parts = edit.Split(':', 2);
        var index = parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1;
        switch (parts[0])
        {
            case "add-camera" when Form.Cameras.Count < BandwidthJson.maxCameras:
                Form.Cameras.Add(CameraRow.From(BandwidthDefaults.cameraSpec(Form.Cameras.Count, Unknown)));
                break;
            case "add-viewing" when Form.Viewing.Count < BandwidthJson.maxViewingPatterns:
                Form.Viewing.Add(ViewingRow.From(NetworkFacade.DefaultViewing()));
                break;
            case "add-export" when Form.Exports.Count < BandwidthJson.maxExports:
                Form.Exports.Add(ExportRow.From(BandwidthDefaults.typicalExport));
                break;
            case "remove-camera" when index >= 0 && index < Form.Cameras.Count:
                Form.Cameras.RemoveAt(index);
                break;
            case "remove-viewing" when index >= 0 && index < Form.Viewing.Count:
                Form.Viewing.RemoveAt(index);
                break;
            case "remove-export" when index >= 0 && index < Form.Exports.Count:
                Form.Exports.RemoveAt(index);
                break;
        }
    }

    /// <summary>What a field shows: the value typed (kept when it was not a number), else the form's value.</summary>
    public string Value(string key, object? value) =>
        ModelState.TryGetValue(key, out var entry) && entry.AttemptedValue is { } attempted
            ? attempted
            : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    public static string Kbps(double kbps) =>
        kbps >= 1000 ? (kbps / 1000).ToString("0.0#", CultureInfo.InvariantCulture) + " Mbps" : kbps.ToString("0", CultureInfo.InvariantCulture) + " kbps";

    public static string Mb(double mb) => mb.ToString(mb < 10 ? "0.##" : "#,0.#", CultureInfo.InvariantCulture);

    public static string Stream(Bandwidth.StreamChoice choice) => choice.IsHd ? "HD" : choice.IsSd ? "SD" : "auto";
}
