using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Appliance.Tools.Appliancectl.Cli;

namespace Appliance.Tools.Appliancectl.Commands;

/// <summary>
/// <c>appliancectl netcheck [--strict]</c>: runs the network doctor on the appliance and prints one row per check with
/// its status, latency, detail and remediation (wrapped to fit 120 columns; <c>--json</c> has the full text).
/// A failed check of a target only optional features need (the appliance marks it <c>optional</c>, e.g. the cloud
/// link) is shown as WARN and does not fail the command unless <c>--strict</c>. Exit 1 when a required check fails.
/// </summary>
public static class NetcheckCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var strict = new Option<bool>("--strict") { Description = "Optional checks (e.g. the cloud link) count: exit 1 when any of them fails too" };
        var command = new Command("netcheck", "Diagnose the appliance's network: DNS, TLS, STUN/NAT, NTP, proxy, content filter, cameras (exit 1 if a required check fails)")
        {
            strict,
        };
        command.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var results = (await session.Api.SendAsync(HttpMethod.Post, "/api/v1/network/netcheck", null, ct)).Items().ToList();
            var shown = results.Select(r => Shown(r, parse.GetValue(strict))).ToList();
            var failed = shown.Count(s => s == "FAIL");
            var warned = shown.Count(s => s == "WARN");
            var exit = failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
            var output = session.Output;
            if (output.Json)
            {
                output.WriteJson(JsonSerializer.SerializeToElement(results));
                return exit;
            }
            output.Table(["STATUS", "CHECK", "TARGET", "LATENCY", "DETAIL", "REMEDIATION"],
                results.Select((r, i) => (IReadOnlyList<string>)[shown[i], r.Text("name") + (IsOptional(r) ? " (optional)" : ""), r.Text("target"),
                    r.Number("latencyMs") is { } ms ? ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms" : "", r.Text("detail"), r.Text("remediation")]),
                maxCell: 1000);
            output.Line();
            output.Line($"{results.Count} checks: {results.Count - failed - warned} passed, {warned} warned, {failed} failed");
            return exit;
        });
        return command;
    }

    private static bool IsOptional(JsonElement result) => result.Child("optional") is { ValueKind: JsonValueKind.True };

    /// <summary>PASS, WARN or FAIL as shown: an optional check's failure is a warning unless strict.</summary>
    private static string Shown(JsonElement result, bool strict)
    {
        var status = result.Text("status").ToUpperInvariant();
        return status == "FAIL" && IsOptional(result) && !strict ? "WARN" : status;
    }
}
