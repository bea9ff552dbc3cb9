using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Host.Cameras;
using Appliance.Host.Events;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.Host.Pages;

/// <summary>The camera inventory with stream health; add by RTSP URL or ONVIF address, remove, discover and add what was found.</summary>
public sealed class CamerasModel(CameraStore cameras, DiscoveredDevices discovered, OutboxEventBus bus, Appliance.Host.Network.NetworkDoctorService doctor, CameraAddresses addresses) : PageModel
{
    /// <summary>Results of the last "Test" (RTSP OPTIONS, ONVIF GetSystemDateAndTime), shown above the inventory.</summary>
    public (string Camera, IReadOnlyList<Appliance.NetCheck.Checks.CheckResult> Results)? TestResults { get; private set; }

    public IReadOnlyList<CameraView> Cameras { get; private set; } = [];

    public IReadOnlyList<DiscoveredDevice> Discovered { get; private set; } = [];

    /// <summary>Each camera's RTSP URL and the ONVIF device service, as a VMS installer enters them.</summary>
    public IReadOnlyList<CameraAddress> Addresses { get; private set; } = [];

    [BindProperty]
    public NewCamera Input { get; set; } = new();

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public void OnGet() => Load();

    public IActionResult OnPostAdd()
    {
        var result = cameras.Add(new CameraInput(
            Blank(Input.Name), Blank(Input.StreamUri), Blank(Input.OnvifUri), Blank(Input.Username), Blank(Input.Password),
            true, null, "manual"));
        if (!result.IsOk)
        {
            Errors = result.Failure!.Errors;
            Input.Password = null;
            Load();
            return Page();
        }
        TempData["Message"] = $"Added camera {result.Value.Name} ({result.Value.Id}).";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostTestAsync(string id, CancellationToken ct)
    {
        var camera = cameras.List().FirstOrDefault(c => c.Id == id);
        if (camera is null)
        {
            TempData["Error"] = $"Camera {id} does not exist.";
            return RedirectToPage();
        }
        TestResults = (camera.Name, await doctor.TestCameraAsync(camera, ct));
        Load();
        return Page();
    }

    public IActionResult OnPostRemove(string id)
    {
        if (cameras.Delete(id)) TempData["Message"] = $"Removed camera {id}.";
        else TempData["Error"] = $"Camera {id} does not exist.";
        return RedirectToPage();
    }

    public IActionResult OnPostDiscover()
    {
        // A request nobody takes would be a silent no-op: say that discovery is off, and where it is switched on.
        if (!bus.Subscriptions().Any(s => s.Attached && s.Types.Contains(nameof(DiscoveryRequested))))
        {
            TempData["Error"] = "Discovery is switched off: no running plugin takes discovery requests. Enable the ONVIF plugin on the Plugins page "
                + "and switch on its discovery.wsDiscovery or discovery.mdns setting (PUT /api/v1/plugins/appliance.onvif/config); until then add cameras by address.";
            return RedirectToPage();
        }
        bus.Publish("appliance.portal", new DiscoveryRequested(User.Identity?.Name ?? "portal"));
        TempData["Message"] = "Discovery requested. Devices appear under Discovered devices as the discovery plugins find them.";
        return RedirectToPage();
    }

    public IActionResult OnPostAddDiscovered(string endpoint)
    {
        var device = discovered.List().FirstOrDefault(d => string.Equals(d.EndpointReference, endpoint, StringComparison.OrdinalIgnoreCase));
        if (device is null)
        {
            TempData["Error"] = "That device is no longer in the discovery list; discover again.";
            return RedirectToPage();
        }
        var onvif = device.Addresses.FirstOrDefault(CameraValidation.IsHttpUri);
        var rtsp = device.Addresses.FirstOrDefault(CameraValidation.IsRtspUri);
        var result = cameras.Add(new CameraInput(Blank(device.Name) ?? Blank(device.Hardware), rtsp, onvif, null, null, true, null, "discovery:" + device.Source));
        if (result.IsOk) TempData["Message"] = $"Added camera {result.Value.Name} ({result.Value.Id}). Set its user and password if it needs them.";
        else TempData["Error"] = string.Join(" ", result.Failure!.Errors);
        return RedirectToPage();
    }

    /// <summary>Whether a discovered device is already in the inventory (same ONVIF or RTSP address).</summary>
    public bool IsAdded(DiscoveredDevice device) =>
        Cameras.Any(c => device.Addresses.Any(a => string.Equals(a, c.OnvifUri, StringComparison.OrdinalIgnoreCase) || string.Equals(a, c.StreamUri, StringComparison.OrdinalIgnoreCase)));

    private void Load()
    {
        Cameras = cameras.Views();
        Discovered = discovered.List();
        Addresses = addresses.List(Request.Host.Host);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    public sealed class NewCamera
    {
        public string? Name { get; set; }

        public string? StreamUri { get; set; }

        public string? OnvifUri { get; set; }

        public string? Username { get; set; }

        public string? Password { get; set; }
    }
}
