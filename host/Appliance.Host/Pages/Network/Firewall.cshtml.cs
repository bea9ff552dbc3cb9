using System.Net;
using Appliance.Core.Network;
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

    /// <summary>Changed lines between the ruleset in force and the compiled one, with three lines of context.</summary>
    public IReadOnlyList<RulesetDiff.DiffLine> Changes { get; private set; } = [];

    public (int Added, int Removed) ChangeCount { get; private set; }

    /// <summary>The ports the portal answers on: what a lockout would cut.</summary>
    public IReadOnlyList<int> PortalPorts => new[] { options.Value.Http.HttpsPort, options.Value.Http.HttpPort }.Where(p => p > 0).ToList();

    /// <summary>This browser's address as the appliance sees it, and whether the management sources hold it after an apply.</summary>
    public (string Address, bool Kept) Browser { get; private set; }

    public void OnGet()
    {
        Status = firewall.Status();
        if (Status.Ruleset is { } compiled)
        {
            var all = NetworkFacade.RulesetChanges(Status.InForce, compiled, 3);
            Changes = all;
            ChangeCount = (all.Count(l => l.IsAdded), all.Count(l => l.IsRemoved));
        }
        var address = HttpContext.Connection.RemoteIpAddress;
        Browser = (address?.ToString() ?? "unknown", KeptAfterApply(address, Status.ManagementSources));
    }

    /// <summary>Management ports accept every source when no management source is set; loopback is never filtered.</summary>
    public static bool KeptAfterApply(IPAddress? address, IReadOnlyList<string> managementSources)
    {
        if (address is null) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || managementSources.Count == 0) return true;
        return managementSources.Any(s => IPNetwork.TryParse(s.Contains('/') ? s : s + (s.Contains(':') ? "/128" : "/32"), out var net) && net.Contains(address));
    }

    /// <summary>Without JavaScript the form posts here: an apply needs the browser to confirm it, so it is refused.</summary>
    public IActionResult OnPostApply()
    {
        TempData["Error"] = "Applying the firewall needs JavaScript in this browser: after the new ruleset is loaded, the browser must "
            + "confirm that it still reaches the portal, or the change is rolled back. Use 'appliancectl' or enable JavaScript.";
        return RedirectToPage();
    }
}
