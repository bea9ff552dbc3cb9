using Appliance.Abstractions;
using Appliance.Host.Auth;
using Appliance.Host.Configuration;
using Appliance.Host.SystemServices;
using Appliance.SystemBus;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Pages;

/// <summary>
/// The box itself (administrators): units with their state and journal, restart of the restartable ones, time sync,
/// the SSH maintenance login (state, keys, apply),
/// per-interface IPv4 settings with confirm-or-revert (the technician confirms from this page after reaching it
/// through the new settings), reboot and power off (confirmed, password again unless the login is recent).
/// </summary>
public sealed class SystemModel(UnitsService units, JournalReader journal, TimeSyncService time, SshService ssh, NetworkSettingsService network,
    LoginClient login, LoginService logins, SystemServices.Updates.ImageUpdateService updates, IOptions<ApplianceOptions> options, TimeProvider clock) : PageModel
{
    /// <summary>Image updates: RAUC's slots and the last update (null while image updates are off).</summary>
    public Result<SystemServices.Updates.ImageUpdateStatus>? Image { get; private set; }

    public bool Enabled => options.Value.SystemServices.Enabled;

    public double RevertSeconds => options.Value.SystemServices.NetworkRevertSeconds;

    public Result<IReadOnlyList<UnitView>>? Units { get; private set; }

    public string? JournalUnit { get; private set; }

    public Result<JournalReader.Journal>? Journal { get; private set; }

    public TimeStatus? Time { get; private set; }

    public NetworkSettingsStatus? Network { get; private set; }

    public SshStatus? Ssh { get; private set; }

    public bool NeedsPassword => !Reauthentication.IsRecent(User, clock.GetUtcNow(), TimeSpan.FromMinutes(options.Value.Auth.ReauthMinutes));

    public async Task OnGetAsync(string? journalUnit, CancellationToken ct)
    {
        if (!Enabled) return;
        Units = await units.ListAsync(ct);
        Time = await time.CheckAsync(ct);
        Ssh = await ssh.StatusAsync(ct);
        Network = await network.StatusAsync(ct);
        if (options.Value.ImageUpdates.Enabled) Image = await updates.StatusAsync(ct);
        if (journalUnit is not null)
        {
            JournalUnit = journalUnit;
            Journal = await journal.ReadAsync(journalUnit, ct);
        }
    }

    public async Task<IActionResult> OnPostRestartAsync(string unit, CancellationToken ct) =>
        Done(await units.RestartAsync(unit, ct), _ => $"Restarted {unit}.");

    public async Task<IActionResult> OnPostTimeAsync(string? timezone, bool ntp, CancellationToken ct) =>
        Done(await time.SetAsync(ntp, string.IsNullOrWhiteSpace(timezone) ? null : timezone.Trim(), ct), _ => "Time settings saved.");

    public async Task<IActionResult> OnPostNtpServersAsync(CancellationToken ct) => Done(await time.ApplyNtpServersAsync(ct), done => done);

    public async Task<IActionResult> OnPostSshAsync(CancellationToken ct) => Done(await ssh.ApplyAsync(ct), done => done);

    public async Task<IActionResult> OnPostNetworkAsync(string @interface, string? method, string? addresses, string? gateway, string? dns, string? password, CancellationToken ct)
    {
        if (!await PasswordOkAsync(password, ct)) return Done(Result<bool>.Fail("forbidden", "Changing network settings needs your password again."), _ => "");
        var settings = AddressSettings.Create(method, Split(addresses), gateway, Split(dns));
        if (!settings.IsOk) return Done(Result<bool>.Fail(settings.Failure!), _ => "");
        return Done(await network.ApplyAsync(@interface, settings.Value, ct),
            p => $"Applied to {p.Interface}. Confirm below before {p.RevertAt:HH:mm:ss} UTC, or the previous settings come back.");
    }

    public IActionResult OnPostConfirm() => network.Confirm()
        ? Done(Result<bool>.Ok(true), _ => "Network settings confirmed.")
        : Done(Result<bool>.Fail("conflict", "No network change waits for confirmation (it may have been reverted already)."), _ => "");

    public async Task<IActionResult> OnPostRevertAsync(CancellationToken ct) => Done(await network.RevertAsync(ct), m => m);

    public Task<IActionResult> OnPostRebootAsync(string? confirm, string? password, CancellationToken ct) => PowerAsync("reboot", confirm, password, login.RebootAsync, ct);

    public Task<IActionResult> OnPostPowerOffAsync(string? confirm, string? password, CancellationToken ct) => PowerAsync("poweroff", confirm, password, login.PowerOffAsync, ct);

    private async Task<IActionResult> PowerAsync(string word, string? confirm, string? password, Func<CancellationToken, Task<Result<bool>>> action, CancellationToken ct)
    {
        if (confirm != word) return Done(Result<bool>.Fail("invalid", $"Type '{word}' to confirm."), _ => "");
        if (!await PasswordOkAsync(password, ct)) return Done(Result<bool>.Fail("forbidden", $"To {word}, enter your password again."), _ => "");
        return Done(await action(ct), _ => word == "reboot" ? "The appliance is rebooting." : "The appliance is powering off.");
    }

    private async Task<bool> PasswordOkAsync(string? password, CancellationToken ct) =>
        !NeedsPassword || (await logins.VerifyAsync(User.Identity!.Name!, password ?? "", HttpContext.Connection.RemoteIpAddress, ct)).Outcome == LoginOutcome.Success;

    private static IEnumerable<string> Split(string? text) =>
        (text ?? "").Split([',', ' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private IActionResult Done<T>(Result<T> result, Func<T, string> message)
    {
        if (result.IsOk) TempData["Message"] = message(result.Value);
        else TempData["Error"] = result.Failure!.Message;
        return RedirectToPage();
    }
}
