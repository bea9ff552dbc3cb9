using Appliance.Core.Security;
using Appliance.Host.Security.Report;

namespace Appliance.Host.Api;

/// <summary>The security report: the running configuration against the hardening advice, by NIST SP 800-53 control.</summary>
internal static class SecurityApi
{
    public static void MapSecurityApi(this RouteGroupBuilder api)
    {
        api.MapGet("/security/report", (SecurityFactsCollector collector, string? format) =>
        {
            var facts = collector.Collect();
            var findings = SecurityFacade.Evaluate(facts);
            return (format ?? "json").ToLowerInvariant() switch
            {
                "json" => Results.Text(SecurityFacade.Json(facts, findings), "application/json"),
                "md" or "markdown" => Results.Text(SecurityFacade.Markdown(facts, findings), "text/markdown; charset=utf-8"),
                var other => PluginsApi.Problem(400, $"format: '{other}' is not one of json, md"),
            };
        }).WithTags("security").WithName("GetSecurityReport")
            .WithSummary("The running configuration checked against the hardening advice, each check with its NIST SP 800-53 control, verdict, evidence and fix (JSON or Markdown)");
    }
}
