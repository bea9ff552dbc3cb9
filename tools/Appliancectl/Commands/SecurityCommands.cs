using System.CommandLine;
using System.Text.Json;
using Appliance.Tools.Appliancectl.Cli;
using Appliance.Tools.Appliancectl.Http;

namespace Appliance.Tools.Appliancectl.Commands;

/// <summary><c>appliancectl security report</c>: the security report (NIST SP 800-53 controls) as Markdown or JSON.</summary>
public static class SecurityCommands
{
    public static Command Create(GlobalOptions globals)
    {
        var security = new Command("security", "The appliance's security report");
        security.Subcommands.Add(Report(globals));
        return security;
    }

    private static Command Report(GlobalOptions globals)
    {
        var format = new Option<string?>("--format", "-f") { Description = "md (default) or json" };
        format.AcceptOnlyFromAmong("md", "markdown", "json");
        var command = new Command("report", "Check the running configuration against the hardening advice; each check with its NIST SP 800-53 control, verdict, evidence and fix (exit 1 when a check fails)") { format };
        command.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var chosen = parse.GetValue(format) ?? (session.Output.Json ? "json" : "md");
            var text = await session.Api.GetTextAsync($"/api/v1/security/report?format={Uri.EscapeDataString(chosen)}", ct);
            session.Output.Out.Write(text.EndsWith('\n') ? text : text + "\n");
            // The verdict decides the exit code either way: read it from the JSON (asked for again when Markdown was printed).
            var json = chosen == "json" ? text : await session.Api.GetTextAsync("/api/v1/security/report?format=json", ct);
            using var document = JsonDocument.Parse(json);
            return document.RootElement.GetProperty("overall").GetString() == "fail" ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }
}
