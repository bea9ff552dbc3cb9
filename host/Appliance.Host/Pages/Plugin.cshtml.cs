using System.Security.Claims;
using Appliance.Abstractions;
using Appliance.Abstractions.Http;
using Appliance.Host.Auth;
using Appliance.Host.Plugins;
using Appliance.Host.Portal;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.Host.Pages;

/// <summary>
/// <c>/Plugin/{id}</c>: a plugin's portal page (manifest <c>portal</c>) inside the portal's layout, CSP and session.
/// The plugin's HTML fragment is fetched on the server (<see cref="PluginPageFetcher"/>) and embedded as it is: the
/// portal's CSP (<c>script-src 'self'</c>, no inline script or event handler attributes) is what keeps hostile markup
/// from running. Unknown plugin or no page: 404; a role below the page route's access: the portal's 403 page;
/// plugin not running: 503; no answer in time: 504; too large, not HTML, an error status or a crash: 502.
/// </summary>
public sealed class PluginModel(PluginManager plugins, PluginPageFetcher fetcher) : PageModel
{
    public PluginPortalPage? Entry { get; private set; }

    /// <summary>The plugin's HTML fragment; null when <see cref="Problem"/> says why not.</summary>
    public string? Fragment { get; private set; }

    public Failure? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        Entry = plugins.PortalPage(id);
        if (Entry is null)
            return Show(new Failure("not-found", $"No plugin page \"{id}\": the plugin is not installed or has no portal page."));
        var role = User.FindFirstValue(ClaimTypes.Role);
        if (!Roles.Allows(role, Entry.Role)) return Forbid();
        var caller = new PluginCaller(User.Identity?.Name, PluginRequestDispatcher.ParseRole(role));
        var fetched = await fetcher.FetchAsync(Entry, caller, Request, ct);
        if (!fetched.TryGetValue(out var fragment, out var failure)) return Show(failure);
        Fragment = fragment;
        return Page();
    }

    private PageResult Show(Failure failure)
    {
        Problem = failure;
        Response.StatusCode = failure.Code switch
        {
            "not-found" => StatusCodes.Status404NotFound,
            "not-running" => StatusCodes.Status503ServiceUnavailable,
            "timeout" => StatusCodes.Status504GatewayTimeout,
            _ => StatusCodes.Status502BadGateway,
        };
        return Page();
    }
}
