using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Tools.Appliancectl.Cli;
using Appliance.Tools.Appliancectl.Http;

namespace Appliance.Tools.Appliancectl.Commands;

/// <summary>
/// <c>appliancectl system units|journal|restart|time|ssh|network|reboot|poweroff|support-bundle</c>: the box itself through
/// <c>/api/v1/system</c>. A network change must be confirmed (<c>system network confirm</c>) or it is reverted.
/// </summary>
public static class SystemCommands
{
    public static Command Create(GlobalOptions globals)
    {
        var system = new Command("system", "The appliance's own services, time, network settings and power");
        system.Subcommands.Add(Units(globals));
        system.Subcommands.Add(Journal(globals));
        system.Subcommands.Add(Restart(globals));
        system.Subcommands.Add(Time(globals));
        system.Subcommands.Add(SshCommand.Create(globals));
        system.Subcommands.Add(Network(globals));
        system.Subcommands.Add(Power(globals, "reboot", "Reboot the appliance"));
        system.Subcommands.Add(Power(globals, "poweroff", "Power the appliance off"));
        system.Subcommands.Add(SupportBundleCommand.Create(globals));
        return system;
    }

    private static Command Units(GlobalOptions globals)
    {
        var command = new Command("units", "The appliance's systemd units, their state and whether they may be restarted");
        command.SetSessionAction(globals, async (session, _, ct) =>
        {
            var units = await session.Api.GetAsync("/api/v1/system/units", ct);
            if (session.Output.Json) session.Output.WriteJson(units);
            else session.Output.Table(["UNIT", "ACTIVE", "SUB", "RESTARTABLE", "DESCRIPTION"],
                units.Items().Select(u => (IReadOnlyList<string>)[u.Text("name"), u.Text("activeState"), u.Text("subState"), u.Text("restartable"), u.Text("description")]));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Journal(GlobalOptions globals)
    {
        var unit = new Argument<string>("unit") { Description = "A unit from 'system units'" };
        var command = new Command("journal", "A unit's recent journal lines") { unit };
        command.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var journal = await session.Api.GetAsync($"/api/v1/system/units/{Uri.EscapeDataString(parse.GetValue(unit)!)}/journal", ct);
            if (session.Output.Json) session.Output.WriteJson(journal);
            else session.Output.Table(["TIME", "MESSAGE"], journal.Items("lines").Select(l => (IReadOnlyList<string>)[l.Time("at"), l.Text("message")]), maxCell: 4000);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Restart(GlobalOptions globals)
    {
        var unit = new Argument<string>("unit") { Description = "A unit that 'system units' shows as restartable" };
        var command = new Command("restart", "Restart a unit and wait until systemd reports it done") { unit };
        command.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var name = parse.GetValue(unit)!;
            var answer = await session.Api.PostJsonAsync($"/api/v1/system/units/{Uri.EscapeDataString(name)}/restart", new { }, ct);
            if (session.Output.Json) session.Output.WriteJson(answer);
            else session.Output.Line($"restarted {name} (job {answer.Text("job")})");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Time(GlobalOptions globals)
    {
        var command = new Command("time", "Time zone, NTP, sync state and clock offset (exit 1 when the clock has a warning)");
        command.SetSessionAction(globals, async (session, _, ct) =>
        {
            var time = await session.Api.GetAsync("/api/v1/system/time", ct);
            var warnings = time.Items("warnings").Select(Json.Show).ToList();
            if (session.Output.Json) session.Output.WriteJson(time);
            else
            {
                session.Output.Table(["", ""],
                [
                    ["time zone", time.Text("timezone")], ["ntp", time.Text("ntpEnabled")], ["synchronised", time.Text("ntpSynchronized")],
                    ["ntp servers", string.Join(" ", time.Items("ntpServers").Select(Json.Show))],
                    ["offset", time.Child("offset") is { ValueKind: JsonValueKind.Object } o ? $"{o.Text("offsetSeconds")} s from {o.Text("server")} {o.Text("error")}" : ""],
                ], maxCell: 200);
                foreach (var warning in warnings) session.Output.Fail(warning);
            }
            return warnings.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static Command Network(GlobalOptions globals)
    {
        var network = new Command("network", "Per-interface IPv4 settings (DHCP or static) with confirm-or-revert");
        network.SetSessionAction(globals, async (session, _, ct) =>
        {
            var status = await session.Api.GetAsync("/api/v1/system/network", ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(status);
                return ExitCodes.Ok;
            }
            session.Output.Table(["INTERFACE", "PROFILE", "METHOD", "ADDRESSES", "GATEWAY", "DNS"],
                status.Items("interfaces").Select(i => i.Child("settings") is { ValueKind: JsonValueKind.Object } s
                    ? (IReadOnlyList<string>)[i.Text("interface"), i.Text("connection"), s.Text("method"), string.Join(" ", s.Items("addresses").Select(Json.Show)), s.Text("gateway"), string.Join(" ", s.Items("dns").Select(Json.Show))]
                    : [i.Text("interface"), i.Text("connection"), "", "", "", ""]));
            if (status.Child("pending") is { ValueKind: JsonValueKind.Object } p)
                session.Output.Line($"waiting for confirmation: {p.Text("interface")}, reverted at {p.Time("revertAt")} unless 'appliancectl system network confirm'");
            if (status.Text("lastRevert") is { Length: > 0 } last) session.Output.Line($"last revert: {last}");
            return ExitCodes.Ok;
        });

        var name = new Argument<string>("interface") { Description = "Interface name, e.g. eth0" };
        var dhcp = new Option<bool>("--dhcp") { Description = "Addresses, gateway (and DNS) from DHCP" };
        var address = new Option<string[]>("--address") { Description = "Static address a.b.c.d/n (repeat for more)", Arity = ArgumentArity.ZeroOrMore };
        var gateway = new Option<string?>("--gateway") { Description = "Default gateway (static only)" };
        var dns = new Option<string[]>("--dns") { Description = "DNS server (repeat for more)", Arity = ArgumentArity.ZeroOrMore };
        var set = new Command("set", "Apply settings to an interface; they are reverted unless confirmed in time") { name, dhcp, address, gateway, dns };
        set.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var addresses = parse.GetValue(address) ?? [];
            if (parse.GetValue(dhcp) == addresses.Length > 0)
                throw new CliException("give either --dhcp or at least one --address", usage: true);
            var body = new { method = parse.GetValue(dhcp) ? "dhcp" : "static", addresses, gateway = parse.GetValue(gateway), dns = parse.GetValue(dns) ?? [] };
            var pending = await session.Api.SendAsync(HttpMethod.Put, $"/api/v1/system/network/{Uri.EscapeDataString(parse.GetValue(name)!)}", JsonContent.Create(body), ct);
            if (session.Output.Json) session.Output.WriteJson(pending);
            else session.Output.Line($"applied to {pending.Text("interface")}; reverted at {pending.Time("revertAt")} unless 'appliancectl system network confirm'");
            return ExitCodes.Ok;
        });
        network.Subcommands.Add(set);

        var confirm = new Command("confirm", "Keep the network change that waits for confirmation");
        confirm.SetSessionAction(globals, async (session, _, ct) =>
        {
            await session.Api.PostJsonAsync("/api/v1/system/network/confirm", new { }, ct);
            session.Output.Line("confirmed");
            return ExitCodes.Ok;
        });
        network.Subcommands.Add(confirm);

        var revert = new Command("revert", "Put back the settings a waiting change replaced, now");
        revert.SetSessionAction(globals, async (session, _, ct) =>
        {
            var answer = await session.Api.PostJsonAsync("/api/v1/system/network/revert", new { }, ct);
            session.Output.Line(answer.Text("message"));
            return ExitCodes.Ok;
        });
        network.Subcommands.Add(revert);
        return network;
    }

    private static Command Power(GlobalOptions globals, string word, string description)
    {
        var yes = new Option<bool>("--yes") { Description = $"Really {word} (required)" };
        var command = new Command(word, description + " (needs --yes)") { yes };
        command.SetSessionAction(globals, async (session, parse, ct) =>
        {
            if (!parse.GetValue(yes)) throw new CliException($"add --yes to {word} the appliance", usage: true);
            await session.Api.PostJsonAsync($"/api/v1/system/{word}", new { confirm = word }, ct);
            session.Output.Line(word == "reboot" ? "the appliance is rebooting" : "the appliance is powering off");
            return ExitCodes.Ok;
        });
        return command;
    }
}
