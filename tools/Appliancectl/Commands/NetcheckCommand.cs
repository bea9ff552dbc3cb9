using System.CommandLine;
using System.Globalization;
using Appliance.Tools.Appliancectl.Cli;

namespace Appliance.Tools.Appliancectl.Commands;

/// <summary>
/// <c>appliancectl netcheck</c>: runs the network doctor on the appliance and prints one row per check with its
/// status, latency, detail and remediation. Exit code 1 when any check fails (warnings do not fail).
/// </summary>
public static class NetcheckCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("netcheck", "Diagnose the appliance's network: DNS, TLS, STUN/NAT, NTP, proxy, content filter, cameras (exit 1 if any check fails)");
        command.SetSessionAction(globals, async (session, _, ct) =>
        {
            var results = (await session.Api.SendAsync(HttpMethod.Post, "/api/v1/network/netcheck", null, ct)).Items().ToList();
            var failed = results.Count(r => string.Equals(r.Text("status"), "Fail", StringComparison.OrdinalIgnoreCase));
            var warned = results.Count(r => string.Equals(r.Text("status"), "Warn", StringComparison.OrdinalIgnoreCase));
            var output = session.Output;
            if (output.Json)
            {
                output.WriteJson(System.Text.Json.JsonSerializer.SerializeToElement(results));
                return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
            }
            output.Table(["STATUS", "CHECK", "TARGET", "LATENCY", "DETAIL", "REMEDIATION"],
                results.Select(r => (IReadOnlyList<string>)[r.Text("status").ToUpperInvariant(), r.Text("name"), r.Text("target"),
                    r.Number("latencyMs") is { } ms ? ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms" : "", r.Text("detail"), r.Text("remediation")]),
                maxCell: 400);
            output.Line();
            output.Line($"{results.Count} checks: {results.Count - failed - warned} passed, {warned} warned, {failed} failed");
            return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }
}
