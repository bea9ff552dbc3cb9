using Appliance.Core.Security;
using Appliance.Host.Security.Report;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.Host.Pages;

/// <summary>
/// The security report (administrators): each check of the running configuration with its NIST SP 800-53 control,
/// verdict, evidence and fix; the same report as Markdown or JSON from <c>/api/v1/security/report</c>.
/// </summary>
public sealed class SecurityModel(SecurityFactsCollector collector) : PageModel
{
    public IReadOnlyList<SecurityReport.Finding> Findings { get; private set; } = [];

    public string Overall { get; private set; } = "";

    public DateTimeOffset GeneratedAt { get; private set; }

    public void OnGet()
    {
        var facts = collector.Collect();
        Findings = SecurityFacade.Evaluate(facts);
        Overall = SecurityFacade.Overall(Findings);
        GeneratedAt = facts.Now;
    }

    public static string Name(SecurityReport.Verdict verdict) => SecurityFacade.Name(verdict);
}
