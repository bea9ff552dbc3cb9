using Appliance.Host.Cameras;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.Host.Pages.Cameras;

/// <summary>
/// An HTTPS ONVIF camera's certificate (issue 11 item 3, trust on first use): the fingerprint it presented, pinned only
/// on an administrator's explicit confirmation; a changed certificate shown next to the pinned one; a pin forgotten.
/// </summary>
public sealed class CertificateModel(OnvifCertificates certificates, CameraStore cameras) : PageModel
{
    public CameraView? Camera { get; private set; }

    public CameraCertificate? Certificate { get; private set; }

    public string? Error { get; private set; }

    [BindProperty]
    public string? Sha256 { get; set; }

    [BindProperty]
    public bool Compared { get; set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        Camera = cameras.Get(id);
        if (Camera is null) return NotFound();
        var read = await certificates.GetAsync(id, ct);
        if (read.TryGetValue(out var certificate, out var failure)) Certificate = certificate;
        else Error = failure.Message;
        return Page();
    }

    public async Task<IActionResult> OnPostPinAsync(string id, CancellationToken ct)
    {
        if (cameras.Get(id) is not { } camera) return NotFound();
        if (!Compared || string.IsNullOrWhiteSpace(Sha256))
        {
            TempData["Error"] = "Compare the fingerprint with the camera's own first, and tick the box to say so.";
            return RedirectToPage(new { id });
        }
        var pinned = await certificates.PinAsync(id, Sha256, ct);
        if (pinned.TryGetValue(out _, out var failure))
            TempData["Message"] = $"Pinned the certificate of {camera.Name}: from now on the appliance accepts this certificate, and only this one.";
        else
            TempData["Error"] = failure.Code == "conflict"
                ? $"Not pinned: the camera now presents another certificate than the one shown ({failure.Message}). Compare the new fingerprint."
                : $"Not pinned: {failure.Message}";
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostForgetAsync(string id, CancellationToken ct)
    {
        if (cameras.Get(id) is not { } camera) return NotFound();
        var forgotten = await certificates.ForgetAsync(id, ct);
        if (forgotten.TryGetValue(out _, out var failure))
            TempData["Message"] = $"Forgot the pinned certificate of {camera.Name}: its next connection is refused until a certificate is confirmed again.";
        else
            TempData["Error"] = $"Not forgotten: {failure.Message}";
        return RedirectToPage(new { id });
    }

    /// <summary>The state in words, for the badge.</summary>
    public static string Words(string state) => state switch
    {
        "untrusted" => "not trusted yet",
        "pinned" => "pinned",
        "changed" => "changed: refused",
        "system-trusted" => "trusted by the system",
        _ => "not seen yet",
    };
}
