using System.CommandLine;
using System.Text;
using System.Text.Json;
using Appliance.Tools.Appliancectl.Cli;
using Appliance.Tools.Appliancectl.Http;

namespace Appliance.Tools.Appliancectl.Commands;

/// <summary><c>appliancectl network requirements|firewall|audit|plan</c>: the appliance's network footprint, firewall and bandwidth plan.</summary>
public static class NetworkCommands
{
    /// <summary>Largest plan input file read (the appliance refuses larger bodies anyway).</summary>
    public const int MaxInputBytes = 256 * 1024;

    public static Command Create(GlobalOptions globals)
    {
        var network = new Command("network", "Network requirements, firewall, socket audit and bandwidth plan");
        network.Subcommands.Add(Requirements(globals));
        network.Subcommands.Add(Firewall(globals));
        network.Subcommands.Add(Audit(globals));
        network.Subcommands.Add(NetworkPlanCommand.Create(globals));
        return network;
    }

    private static Command Requirements(GlobalOptions globals)
    {
        var format = new Option<string?>("--format", "-f") { Description = "md (default), json, csv, or allowlist (FQDNs for proxies and content filters)" };
        format.AcceptOnlyFromAmong("md", "markdown", "json", "csv", "allowlist");
        var command = new Command("requirements", "Print the network requirements of what runs now: every port, direction, zone, FQDN, purpose, owner") { format };
        command.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var chosen = parse.GetValue(format) ?? (session.Output.Json ? "json" : "md");
            var text = await session.Api.GetTextAsync($"/api/v1/network/requirements?format={Uri.EscapeDataString(chosen)}", ct);
            session.Output.Out.Write(text.EndsWith('\n') ? text : text + "\n");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Firewall(GlobalOptions globals)
    {
        var ruleset = new Option<bool>("--ruleset") { Description = "Print the compiled nftables ruleset instead of the status" };
        var command = new Command("firewall", "Show the firewall: enforcement, errors, last apply (exit 1 when the ruleset does not compile or, enforced, the last apply failed)") { ruleset };
        command.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var output = session.Output;
            if (parse.GetValue(ruleset))
            {
                var text = await session.Api.GetTextAsync("/api/v1/network/firewall/ruleset", ct);
                output.Out.Write(text.EndsWith('\n') ? text : text + "\n");
                return ExitCodes.Ok;
            }
            var status = await session.Api.GetAsync("/api/v1/network/firewall", ct);
            var errors = status.Items("errors").Select(Json.Show).ToList();
            var enforced = status.Child("enforced") is { ValueKind: JsonValueKind.True };
            // Enforced but the last apply did not take effect (rejected, rolled back): the intended ruleset is not in force.
            var notInForce = enforced && status.Text("lastResult") is { Length: > 0 } last && last != "Applied";
            var exit = errors.Count == 0 && !notInForce ? ExitCodes.Ok : ExitCodes.Failed;
            if (output.Json)
            {
                output.WriteJson(status);
                return exit;
            }
            var compiled = status.Child("ruleset") is { ValueKind: JsonValueKind.String } rules
                ? $"compiles ({rules.GetString()!.Split('\n').Length} lines; --ruleset prints it)"
                : "does not compile";
            output.Table(["", ""],
            [
                ["enforcement", enforced ? "enforced" : "not enforced (the ruleset is compiled and shown, not applied)"],
                ["ruleset", compiled],
                ["last apply", status.Time("lastAppliedAt") is { Length: > 0 } at ? $"{at}: {status.Text("lastResult")}" : "none since the appliance started"],
                ["last message", status.Text("lastMessage")],
                ["confirmation", status.Child("awaitingConfirmation") is { ValueKind: JsonValueKind.True } ? "an apply is waiting for confirmation" : "nothing waiting"],
            ], maxCell: 300);
            if (errors.Count > 0)
            {
                output.Line();
                output.Line("errors (the previous ruleset stays in force):");
                foreach (var error in errors) output.Line("  " + error);
            }
            if (notInForce) output.Fail($"the last apply was {status.Text("lastResult")}: {status.Text("lastMessage")}");
            return exit;
        });
        return command;
    }

    private static Command Audit(GlobalOptions globals)
    {
        var command = new Command("audit", "List listening sockets the appliance has open but does not declare (exit 1 if any)");
        command.SetSessionAction(globals, async (session, _, ct) =>
        {
            var report = await session.Api.GetAsync("/api/v1/network/audit", ct);
            var undeclared = report.Items("undeclared").ToList();
            var output = session.Output;
            if (output.Json) output.WriteJson(report);
            else if (undeclared.Count == 0) output.Line("every listening socket is declared in the network footprint");
            else
                output.Table(["TRANSPORT", "ADDRESS", "PORT", "PID", "PROCESS", "LOOPBACK ONLY"],
                    undeclared.Select(u => (IReadOnlyList<string>)[u.Text("transport"), u.Text("address"), u.Text("port"), u.Text("pid"), u.Text("process"), u.Text("loopbackOnly")]));
            if (!output.Json)
                foreach (var problem in report.Items("problems")) output.Error.WriteLine($"note: {Json.Show(problem)}");
            return undeclared.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    /// <summary>Reads a plan input file (UTF-8, at most <see cref="MaxInputBytes"/>).</summary>
    public static async Task<string> ReadInputAsync(FileInfo file, CancellationToken ct)
    {
        if (!file.Exists) throw new CliException($"--input: {file.FullName} does not exist");
        if (file.Length == 0) throw new CliException($"--input: {file.FullName} is empty");
        if (file.Length > MaxInputBytes) throw new CliException($"--input: {file.FullName} is larger than {MaxInputBytes / 1024} KiB");
        var bytes = await File.ReadAllBytesAsync(file.FullName, ct);
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw new CliException($"--input: {file.FullName} is not UTF-8 text");
        }
    }
}
