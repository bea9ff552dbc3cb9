using Appliance.Core.Network;
using Appliance.Host.Network;
using Appliance.Host.Plugins;

namespace Appliance.Host.Api;

internal static class NetworkApi
{
    public static void MapNetworkApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/network").WithTags("network");

        // The network requirements of what is in use now (host, running plugins, cameras on ports of their own), in
        // the format asked for; all=true adds what the configuration switches off.
        group.MapGet("/requirements", (RequirementsSource source, string? format, bool? all) =>
        {
            var entries = source.Entries(all ?? false);
            var name = (format ?? "json").ToLowerInvariant();
            if (NetworkFacade.RequirementsText(entries, name) is not { } text)
                return PluginsApi.Problem(400, $"format: '{name}' is not one of md, json, csv, allowlist");
            return Results.Text(text, name switch
            {
                "md" or "markdown" => "text/markdown; charset=utf-8",
                "csv" => "text/csv; charset=utf-8",
                "json" => "application/json",
                _ => "text/plain; charset=utf-8",
            });
        }).WithName("GetNetworkRequirements").WithSummary("Every port and destination the appliance uses (JSON, CSV or Markdown)");

        group.MapGet("/firewall", (FirewallService firewall) => Results.Ok(firewall.Status())).WithName("GetFirewall").WithSummary("The firewall's state: applied, pending confirmation, last error");
        group.MapGet("/firewall/ruleset", (FirewallService firewall) =>
        {
            var compiled = firewall.Compile();
            return compiled.IsOk ? Results.Text(compiled.Value, "text/plain; charset=utf-8") : PluginsApi.Problem(400, string.Join("; ", compiled.Failure!.Errors));
        }).WithName("GetFirewallRuleset").WithSummary("The nftables ruleset compiled from the network footprint");
        // Applies the ruleset; it is rolled back unless POST /firewall/confirm arrives in time (from the browser that asked).
        group.MapPost("/firewall/apply", async (FirewallService firewall, bool? confirm, CancellationToken ct) =>
        {
            var result = await firewall.ApplyAsync(requireConfirmation: confirm ?? true, ct);
            return result.Succeeded ? Results.Ok(result) : PluginsApi.Problem(result.Status == Appliance.Firewall.ApplyStatus.Rejected ? 400 : 409, result.Message);
        }).WithName("ApplyFirewall").WithSummary("Apply the compiled ruleset (reverted unless confirmed in time)");
        group.MapPost("/firewall/confirm", (FirewallService firewall) =>
            firewall.Confirm() ? Results.Ok(new { confirmed = true }) : PluginsApi.Problem(409, "no firewall change is waiting for confirmation")).WithName("ConfirmFirewall").WithSummary("Confirm a firewall change that is waiting for confirmation");

        group.MapGet("/audit", (SocketAuditService audit) =>
        {
            var report = audit.AuditNow();
            return Results.Ok(new
            {
                undeclared = report.Undeclared.Select(u => new { u.Transport, address = u.Address.ToString(), u.Port, u.LoopbackOnly, u.Pid, u.Process, text = u.ToString() }),
                report.Problems,
            });
        }).WithName("AuditSockets").WithSummary("Open sockets compared with the declared footprint");

        group.MapPost("/netcheck", async (NetworkDoctorService doctor, CancellationToken ct) => Results.Ok(await doctor.RunAsync(ct))).WithName("RunNetcheck").WithSummary("Run the network doctor's checks");
        group.MapGet("/netcheck/progress", (DoctorRunProgress progress) => Results.Ok(progress.Snapshot()))
            .WithName("GetNetcheckProgress").WithSummary("How far the newest run of the network doctor has come: checks planned, done and failed");
        group.MapNetworkPlanApi();
    }
}
