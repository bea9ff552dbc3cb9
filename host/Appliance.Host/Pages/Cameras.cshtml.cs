using Appliance.Abstractions;
using Appliance.Abstractions.Events;
using Appliance.Host.Cameras;
using Appliance.Host.Events;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.Host.Pages;

/// <summary>
/// The camera inventory with stream health; add by RTSP URL or ONVIF address (the stream must play to a keyframe first,
/// unless "add anyway"), edit, test, remove, discover and add what was found; a card per camera with its snapshot (when
/// the media plugin runs) and the stream's facts.
/// </summary>
public sealed class CamerasModel(CameraStore cameras, ProvenCameras proven, DiscoveredDevices discovered, OutboxEventBus bus,
    Appliance.Host.Network.NetworkDoctorService doctor, CameraAddresses addresses, Appliance.Host.Plugins.PluginRouteTable routes) : PageModel
{
    /// <summary>The media plugin's JPEG of a camera's latest frame (<c>{0}</c>: the camera id).</summary>
    public const string SnapshotPath = "/plugins/" + Appliance.Host.Rules.EventSnapshots.MediaPluginId + "/cameras/{0}/snapshot";

    /// <summary>Results of the last "Test" (stream probe, ONVIF GetSystemDateAndTime), shown above the inventory.</summary>
    public (string Camera, IReadOnlyList<Appliance.NetCheck.Checks.CheckResult> Results)? TestResults { get; private set; }

    public IReadOnlyList<CameraView> Cameras { get; private set; } = [];

    public IReadOnlyList<DiscoveredDevice> Discovered { get; private set; } = [];

    /// <summary>Each camera's RTSP URL and the ONVIF device service, as a VMS installer enters them.</summary>
    public IReadOnlyList<CameraAddress> Addresses { get; private set; } = [];

    [BindProperty]
    public NewCamera Input { get; set; } = new();

    public IReadOnlyList<string> Errors { get; private set; } = [];

    /// <summary>The probe's code when Add or Edit was refused because the stream did not play (auth, path, ...).</summary>
    public string? RefusalCode { get; private set; }

    /// <summary>The camera being edited (<c>?edit={id}</c>), null when none.</summary>
    public CameraView? Editing { get; private set; }

    [BindProperty]
    public CameraEdit EditInput { get; set; } = new();

    public IReadOnlyList<string> EditErrors { get; private set; } = [];

    /// <summary>Whether the media plugin serves snapshots (its route is mapped): the cards show them.</summary>
    public bool SnapshotsAvailable { get; private set; }

    public void OnGet(string? edit)
    {
        Load();
        if (edit is not null && cameras.Get(edit) is { } camera)
        {
            Editing = camera;
            EditInput = CameraEdit.From(camera);
        }
    }

    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        var result = await proven.AddAsync(new CameraInput(
            Blank(Input.Name), Blank(Input.StreamUri), Blank(Input.OnvifUri), Blank(Input.Username), Blank(Input.Password),
            true, Blank(Input.Profile) is { } profile ? new CameraOverrides { Profile = profile } : null, "manual"), Input.Force, ct);
        if (!result.IsOk)
        {
            Errors = result.Failure!.Code == Failure.InvalidCode ? result.Failure.Errors : [result.Failure.Message];
            RefusalCode = ProvenCameras.IsProbeRefusal(result.Failure) ? result.Failure.Code : null;
            Input.Password = null;
            Load();
            return Page();
        }
        var added = result.Value;
        TempData["Message"] = $"Added camera {added.Name} ({added.Id}).{Proved(added)}";
        // An HTTPS ONVIF camera is refused until its certificate is confirmed: an administrator goes there at once.
        if (added.OnvifUri?.StartsWith("https:", StringComparison.OrdinalIgnoreCase) != true) return RedirectToPage();
        if (Auth.Roles.Allows(User.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value, Auth.Roles.Admin))
            return RedirectToPage("/Cameras/Certificate", new { id = added.Id });
        TempData["Message"] += " Its ONVIF service is HTTPS: an administrator must confirm the camera's certificate before the appliance uses it.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostEditAsync(string id, CancellationToken ct)
    {
        var current = cameras.List().FirstOrDefault(c => c.Id == id);
        if (current is null)
        {
            TempData["Error"] = $"Camera {id} does not exist.";
            return RedirectToPage();
        }
        var overrides = current.Overrides with { RtspTransport = EditInput.Transport is "tcp" or "udp" ? EditInput.Transport : null, Profile = Blank(EditInput.Profile) };
        var result = await proven.UpdateAsync(id, new CameraInput(
            Blank(EditInput.Name), Blank(EditInput.StreamUri), Blank(EditInput.OnvifUri), Blank(EditInput.Username), Blank(EditInput.Password),
            EditInput.Enabled, overrides, null), EditInput.Force, ct);
        if (!result.IsOk)
        {
            EditErrors = result.Failure!.Code == Failure.InvalidCode ? result.Failure.Errors : [result.Failure.Message];
            RefusalCode = ProvenCameras.IsProbeRefusal(result.Failure) ? result.Failure.Code : null;
            EditInput.Password = null;
            Load();
            Editing = cameras.Get(id);
            return Page();
        }
        TempData["Message"] = $"Saved camera {result.Value.Name} ({result.Value.Id}).";
        return RedirectToPage();
    }

    private static string Proved(CameraView camera) => camera.Stream is { } s ? $" The stream plays: {s.Summary}." : "";

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

    public async Task<IActionResult> OnPostAddDiscoveredAsync(string endpoint, CancellationToken ct)
    {
        var device = discovered.List().FirstOrDefault(d => string.Equals(d.EndpointReference, endpoint, StringComparison.OrdinalIgnoreCase));
        if (device is null)
        {
            TempData["Error"] = "That device is no longer in the discovery list; discover again.";
            return RedirectToPage();
        }
        var onvif = device.Addresses.FirstOrDefault(CameraValidation.IsHttpUri);
        var rtsp = device.Addresses.FirstOrDefault(CameraValidation.IsRtspUri);
        // A discovered RTSP address proves itself too; one that needs credentials is added by hand (or by its ONVIF address).
        var result = await proven.AddAsync(new CameraInput(Blank(device.Name) ?? Blank(device.Hardware), rtsp, onvif, null, null, true, null, "discovery:" + device.Source), false, ct);
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
        SnapshotsAvailable = routes.TryMatch(Appliance.Host.Rules.EventSnapshots.MediaPluginId, "GET", "cameras/any/snapshot", out _, out _);
    }

    /// <summary>The picture facts a card shows: the last proof's, else what stream health knows.</summary>
    public static string? Facts(CameraView camera) =>
        camera.Stream?.Summary ?? (camera.Health is { Codec: { } codec } h ? $"{codec}, {h.Fps:0.#} fps" : null);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    public sealed class NewCamera
    {
        public string? Name { get; set; }

        public string? StreamUri { get; set; }

        public string? OnvifUri { get; set; }

        public string? Username { get; set; }

        public string? Password { get; set; }

        /// <summary>The ONVIF media profile token chosen with "Find profiles" (blank: the device's first profile).</summary>
        public string? Profile { get; set; }

        /// <summary>Store the camera even if its stream does not play now (a camera offline at install time).</summary>
        public bool Force { get; set; }
    }

    public sealed class CameraEdit
    {
        public string? Name { get; set; }

        public string? StreamUri { get; set; }

        public string? OnvifUri { get; set; }

        public string? Username { get; set; }

        /// <summary>Blank keeps the stored password.</summary>
        public string? Password { get; set; }

        /// <summary>auto, tcp or udp.</summary>
        public string Transport { get; set; } = "auto";

        /// <summary>The ONVIF media profile token (the camera's overrides.profile; blank: the device's first profile).</summary>
        public string? Profile { get; set; }

        public bool Enabled { get; set; } = true;

        public bool Force { get; set; }

        public static CameraEdit From(CameraView camera) => new()
        {
            Name = camera.Name,
            StreamUri = camera.StreamUri,
            OnvifUri = camera.OnvifUri,
            Username = camera.Username,
            Transport = camera.Overrides.RtspTransport ?? "auto",
            Profile = camera.Overrides.Profile,
            Enabled = camera.Enabled,
        };
    }
}
