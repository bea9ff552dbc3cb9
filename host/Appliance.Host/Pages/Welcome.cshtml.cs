using Appliance.Abstractions;
using Appliance.Host.Cameras;
using Appliance.Host.Configuration;
using Appliance.Host.FirstRun;
using Appliance.Host.SystemServices;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Pages;

/// <summary>
/// The first-run steps after the administrator is created: time zone and network time, network, camera discovery
/// (what it sends), first camera. Each can be done or skipped, and revisited later from the System page; the
/// Overview reminds the administrator of the open ones.
/// </summary>
public sealed class WelcomeModel(FirstRunProgress progress, TimeSyncService time, NetworkSettingsService network, DiscoverySwitches discovery,
    ProvenCameras cameras, IOptions<ApplianceOptions> options) : PageModel
{
    /// <summary>The step shown: one of <see cref="FirstRunProgress.Steps"/>, or "finish".</summary>
    public string Step { get; private set; } = "time";

    public IReadOnlyDictionary<string, StepOutcome> Outcomes { get; private set; } = new Dictionary<string, StepOutcome>();

    public bool SystemServices => options.Value.SystemServices.Enabled;

    public TimeStatus? Time { get; private set; }

    public NetworkSettingsStatus? Network { get; private set; }

    public IReadOnlyList<DiscoverySwitch> Discovery { get; private set; } = [];

    public IReadOnlyList<string> Errors { get; private set; } = [];

    [BindProperty]
    public CameraForm Camera { get; set; } = new();

    public sealed class CameraForm
    {
        public string? Name { get; set; }

        public string? StreamUri { get; set; }

        public string? Username { get; set; }

        public string? Password { get; set; }
    }

    /// <summary>The step after <paramref name="step"/>: the next open one, else "finish".</summary>
    public string Next(string step)
    {
        var ids = FirstRunProgress.Steps.Select(s => s.Id).ToList();
        var open = progress.Open();
        return ids.Skip(ids.IndexOf(step) + 1).Concat(ids).FirstOrDefault(open.Contains) ?? "finish";
    }

    public async Task<IActionResult> OnGetAsync(string? step, CancellationToken ct)
    {
        Step = step is not null && (step == "finish" || FirstRunProgress.Steps.Any(s => s.Id == step)) ? step : progress.Open().FirstOrDefault() ?? "finish";
        await LoadAsync(ct);
        return Page();
    }

    public IActionResult OnPostSkip(string step) => Record(step, FirstRunProgress.Skipped, null);

    public IActionResult OnPostKeep(string step) => Record(step, FirstRunProgress.Done, null);

    public async Task<IActionResult> OnPostTimeAsync(string? timezone, bool ntp, CancellationToken ct)
    {
        var result = await time.SetAsync(ntp, string.IsNullOrWhiteSpace(timezone) ? null : timezone.Trim(), ct);
        return result.IsOk ? Record("time", FirstRunProgress.Done, "Time settings saved.") : await RefusedAsync("time", result.Failure!.Message, ct);
    }

    public async Task<IActionResult> OnPostDiscoveryAsync(string[]? on, CancellationToken ct)
    {
        var wanted = (on ?? []).ToHashSet(StringComparer.Ordinal);
        foreach (var s in discovery.List())
        {
            var want = wanted.Contains($"{s.PluginId}/{s.Key}");
            if (want == s.On) continue;
            var set = await discovery.SetAsync(s.PluginId, s.Key, want, ct);
            if (!set.IsOk) return await RefusedAsync("discovery", $"{s.PluginName}: {set.Failure!.Message}", ct);
        }
        return Record("discovery", FirstRunProgress.Done, wanted.Count == 0 ? "Discovery is off: add cameras by address." : "Discovery settings saved.");
    }

    public async Task<IActionResult> OnPostCameraAsync(CancellationToken ct)
    {
        var added = await cameras.AddAsync(new CameraInput(Blank(Camera.Name), Blank(Camera.StreamUri), null, Blank(Camera.Username), Blank(Camera.Password), true, null, "first-run"), false, ct);
        Camera.Password = null;
        if (!added.IsOk)
            return await RefusedAsync("camera", added.Failure!.Code == Failure.InvalidCode ? string.Join("; ", added.Failure.Errors) : added.Failure.Message, ct);
        return Record("camera", FirstRunProgress.Done, $"Added camera {added.Value.Name}.");
    }

    private IActionResult Record(string step, string state, string? message)
    {
        if (!FirstRunProgress.Steps.Any(s => s.Id == step)) return BadRequest();
        progress.Record(step, state);
        if (message is not null) TempData["Message"] = message;
        return RedirectToPage(new { step = Next(step) });
    }

    private async Task<IActionResult> RefusedAsync(string step, string error, CancellationToken ct)
    {
        Step = step;
        Errors = [error];
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Outcomes = progress.Outcomes();
        if (Step == "time" && SystemServices) Time = await time.CheckAsync(ct);
        if (Step == "network" && SystemServices) Network = await network.StatusAsync(ct);
        if (Step == "discovery") Discovery = discovery.List();
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
