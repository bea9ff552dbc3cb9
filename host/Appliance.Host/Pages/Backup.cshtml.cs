using Appliance.Host.Auth;
using Appliance.Host.Backup;
using Appliance.Host.Configuration;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Pages;

/// <summary>
/// Backup and restore (administrators): download an encrypted backup; upload a backup file with its passphrase, see
/// what it would change, confirm, and it is applied all or nothing. Password again unless the login is recent.
/// </summary>
public sealed class BackupModel(BackupService backups, PendingRestores pending, LoginService logins, IOptions<ApplianceOptions> options, TimeProvider clock) : PageModel
{
    public string DeviceId => backups.DeviceId;

    public string PublicKey => backups.PublicKey;

    public bool NeedsPassword => !Reauthentication.IsRecent(User, clock.GetUtcNow(), TimeSpan.FromMinutes(options.Value.Auth.ReauthMinutes));

    /// <summary>The previewed restore waiting for confirmation.</summary>
    public RestorePreview? Preview { get; private set; }

    public string? PendingId { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostDownloadAsync(string? passphrase, string? password, CancellationToken ct)
    {
        if (!await PasswordOkAsync(password, ct)) return Error("Making a backup needs your password again.");
        var made = await backups.CreateAsync(passphrase);
        return made.TryGetValue(out var file, out var failure) ? File(file.Bytes, "application/octet-stream", file.FileName) : Error(failure.Message);
    }

    public async Task<IActionResult> OnPostPreviewAsync(IFormFile? file, string? passphrase, CancellationToken ct)
    {
        if (file is null) return Error("Choose a backup file.");
        await using var stream = file.OpenReadStream();
        var read = await BoundedRead.ReadAsync(stream, file.Length, ct);
        if (!read.TryGetValue(out var bytes, out var failure)) return Error(failure.Message);
        var preview = await backups.PreviewAsync(bytes, passphrase);
        if (!preview.TryGetValue(out var shown, out var refused)) return Error(refused.Message);
        Preview = shown;
        PendingId = pending.Keep(User.Identity!.Name!, bytes, passphrase!);
        return Page();
    }

    public async Task<IActionResult> OnPostApplyAsync(string? pendingId, string? password, CancellationToken ct)
    {
        if (!await PasswordOkAsync(password, ct)) return Error("Restoring needs your password again.");
        if (pending.Take(User.Identity!.Name!, pendingId) is not { } kept)
            return Error($"The previewed backup is no longer kept (after {PendingRestores.Lifetime.TotalMinutes:0} minutes); upload it again.");
        var restored = await backups.RestoreAsync(kept.File, kept.Passphrase, ct);
        if (!restored.TryGetValue(out var outcome, out var failure)) return Error(failure.Message);
        TempData["Message"] = $"Restored the backup of {outcome.Preview.DeviceId} from {outcome.Preview.CreatedAt:yyyy-MM-dd HH:mm} UTC: {outcome.Preview.Changes.Count} changes."
            + (outcome.Problems.Count > 0 ? " After the restore: " + string.Join("; ", outcome.Problems) : "");
        return RedirectToPage();
    }

    private async Task<bool> PasswordOkAsync(string? password, CancellationToken ct) =>
        !NeedsPassword || (await logins.VerifyAsync(User.Identity!.Name!, password ?? "", HttpContext.Connection.RemoteIpAddress, ct)).Outcome == LoginOutcome.Success;

    private RedirectToPageResult Error(string message)
    {
        TempData["Error"] = message;
        return RedirectToPage();
    }
}
