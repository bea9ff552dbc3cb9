using Appliance.Abstractions;
using Appliance.Host.Auth;
using Appliance.Host.Configuration;
using Appliance.Host.Plugins;
using Appliance.Host.PluginRepository;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.Host.Pages;

/// <summary>Installed plugins: state, errors, routes and network footprint; upload, enable, disable, restart, uninstall.</summary>
public sealed class PluginsModel(PluginManager manager, PluginCatalogService catalog, LoginService login, IOptions<ApplianceOptions> options, TimeProvider time) : PageModel
{
    public IReadOnlyList<PluginStatus> Plugins { get; private set; } = [];

    /// <summary>The signed catalog, or why it could not be read (null both when no repository is configured).</summary>
    public CatalogView? Catalog { get; private set; }

    public string? CatalogError { get; private set; }

    public bool RepositoryConfigured => !string.IsNullOrWhiteSpace(options.Value.Plugins.Repository.Url);

    public bool AllowUnsigned => options.Value.Plugins.AllowUnsigned;

    private static readonly TimeSpan CatalogPageWait = TimeSpan.FromSeconds(5);

    public async Task OnGetAsync(CancellationToken ct)
    {
        Plugins = manager.List();
        if (!RepositoryConfigured) return;
        // The page does not wait for a slow repository longer than a few seconds (the API waits the full timeout).
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(CatalogPageWait);
        try
        {
            var read = await catalog.GetAsync(deadline.Token);
            if (read.IsOk) Catalog = read.Value;
            else CatalogError = read.Failure!.ToString();
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            CatalogError = $"timeout: the repository did not answer within {CatalogPageWait.TotalSeconds:0} s";
        }
    }

    /// <summary>Install or update from the signed catalog (a downgrade only with force).</summary>
    public async Task<IActionResult> OnPostCatalogAsync(string id, string? version, bool update, bool force, string? password, CancellationToken ct)
    {
        if (NeedsPassword)
        {
            var check = await login.VerifyAsync(User.Identity!.Name!, password ?? "", HttpContext.Connection.RemoteIpAddress, ct);
            if (check.Outcome != LoginOutcome.Success)
                return Done(error: "Installing a plugin needs your password again: enter it above the catalog.");
        }
        var result = await catalog.InstallAsync(id, version, force, update, ct);
        return result.IsOk
            ? Done(message: $"{(update ? "Updated" : "Installed")} {result.Value.Id} {result.Value.Version} from the signed catalog: {result.Value.State}.")
            : Done(error: $"{id} {version}: {result.Failure}");
    }

    /// <summary>Installing code needs a recent login, or the password again (<see cref="Reauthentication"/>).</summary>
    public bool NeedsPassword => !Reauthentication.IsRecent(User, time.GetUtcNow(), TimeSpan.FromMinutes(options.Value.Auth.ReauthMinutes));

    public async Task<IActionResult> OnPostUploadAsync(IFormFile? package, string? password, CancellationToken ct)
    {
        if (NeedsPassword)
        {
            var check = await login.VerifyAsync(User.Identity!.Name!, password ?? "", HttpContext.Connection.RemoteIpAddress, ct);
            if (check.Outcome != LoginOutcome.Success)
                return Done(error: "Installing a plugin needs your password again: enter it with the package.");
        }
        if (package is null || package.Length == 0)
            return Done(error: "Choose a plugin package (.zip) to upload.");
        await using var stream = package.OpenReadStream();
        Stream seekable = stream;
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            await stream.CopyToAsync(copy, ct);
            copy.Position = 0;
            seekable = copy;
        }
        await using (seekable)
        {
            var result = await manager.InstallPackageAsync(seekable, ct);
            return Report(result, "Installed");
        }
    }

    public async Task<IActionResult> OnPostEnableAsync(string id, CancellationToken ct) => Report(await manager.EnableAsync(id, ct), "Enabled");

    public async Task<IActionResult> OnPostDisableAsync(string id, CancellationToken ct) => Report(await manager.DisableAsync(id, ct), "Disabled");

    public async Task<IActionResult> OnPostRestartAsync(string id, CancellationToken ct) => Report(await manager.RestartAsync(id, ct), "Restarted");

    public async Task<IActionResult> OnPostUninstallAsync(string id, CancellationToken ct)
    {
        var result = await manager.UninstallAsync(id, ct);
        return result.TryGetValue(out var status, out var refused) ? Done(message: $"Uninstalled {status.Id} {status.Version}.") : Done(error: refused.Message);
    }

    private IActionResult Report(Result<PluginStatus> result, string verb)
    {
        if (!result.TryGetValue(out var status, out var refused)) return Done(error: refused.Message);
        var text = $"{verb} {status.Id} {status.Version}: {status.State}.";
        return status.State is PluginState.Quarantined or PluginState.Invalid
            ? Done(error: $"{text} {status.Error}")
            : Done(message: text);
    }

    private RedirectToPageResult Done(string? message = null, string? error = null)
    {
        if (message is not null) TempData["Message"] = message;
        if (error is not null) TempData["Error"] = error;
        return RedirectToPage();
    }
}
