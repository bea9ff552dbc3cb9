using Appliance.Host.Plugins;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.Host.Pages;

/// <summary>Installed plugins: state, errors, routes and network footprint; upload, enable, disable, restart, uninstall.</summary>
public sealed class PluginsModel(PluginManager manager) : PageModel
{
    public IReadOnlyList<PluginStatus> Plugins { get; private set; } = [];

    public void OnGet() => Plugins = manager.List();

    public async Task<IActionResult> OnPostUploadAsync(IFormFile? package, CancellationToken ct)
    {
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
        return result.Status is { } status ? Done(message: $"Uninstalled {status.Id} {status.Version}.") : Done(error: result.Error);
    }

    private IActionResult Report(OperationResult result, string verb)
    {
        if (result.Status is not { } status) return Done(error: result.Error ?? "Refused.");
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
