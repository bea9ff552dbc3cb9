using Appliance.Host.Configuration;
using Appliance.Host.Network;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Appliance.Host.Pages.Network;

/// <summary>
/// The appliance's nftables table: enforcement, compile errors, the compiled ruleset, the last apply. Applying is
/// done from the browser (network-firewall.js): the apply is rolled back unless this browser confirms it still
/// reaches the portal through the new ruleset.
/// </summary>
public sealed class FirewallModel(FirewallService firewall, IOptions<ApplianceOptions> options) : PageModel
{
    public FirewallStatus Status { get; private set; } = null!;

    public double ConfirmTimeoutSeconds => options.Value.Network.Firewall.ConfirmTimeoutSeconds;

    public void OnGet() => Status = firewall.Status();

    /// <summary>Without JavaScript the form posts here: an apply needs the browser to confirm it, so it is refused.</summary>
    public IActionResult OnPostApply()
    {
        TempData["Error"] = "Applying the firewall needs JavaScript in this browser: after the new ruleset is loaded, the browser must "
            + "confirm that it still reaches the portal, or the change is rolled back. Use 'appliancectl' or enable JavaScript.";
        return RedirectToPage();
    }
}
