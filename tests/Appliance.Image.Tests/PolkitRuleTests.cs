using System.Text.Json;

namespace Appliance.Image.Tests;

/// <summary>
/// The image's polkit rule (<c>usr/share/polkit-1/rules.d/50-appliance.rules</c>), evaluated by node with a polkit
/// stand-in that has what polkitd gives a rule (<c>polkit.addRule</c>, <c>polkit.Result</c>, <c>action.id</c>,
/// <c>action.lookup</c>, <c>subject.user</c>): the host may restart systemd-timesyncd, start and stop ssh.service,
/// set NTP and the time zone, reboot and power off; anything else falls through to polkit's defaults.
/// </summary>
public sealed class PolkitRuleTests
{
    private static readonly string Rule = Path.Combine(ImageFiles.RootFs, "usr", "share", "polkit-1", "rules.d", "50-appliance.rules");

    private const string ManageUnits = "org.freedesktop.systemd1.manage-units";

    // Loads each rule file like polkitd (in order, one global polkit object), then answers each case with the first
    // result that is not NOT_HANDLED, as polkitd does.
    private const string Evaluator = """
        const fs = require("fs");
        const input = JSON.parse(fs.readFileSync(0, "utf8"));
        const rules = [];
        const polkit = { Result: { NO: "no", YES: "yes", AUTH_SELF: "auth_self", AUTH_ADMIN: "auth_admin", NOT_HANDLED: null },
          addRule: f => rules.push(f), log: () => {} };
        for (const file of input.files) new Function("polkit", fs.readFileSync(file, "utf8"))(polkit);
        const answers = input.cases.map(c => {
          const action = { id: c.action, lookup: key => c.details[key] };
          const subject = { user: c.user, local: false, active: false };
          for (const rule of rules) { const r = rule(action, subject); if (r !== null && r !== undefined) return r; }
          return "not_handled";
        });
        process.stdout.write(JSON.stringify(answers));
        """;

    public sealed record Case(string User, string Action, Dictionary<string, string> Details);

    private static Case Unit(string user, string unit, string verb) => new(user, ManageUnits, new() { ["unit"] = unit, ["verb"] = verb });

    private static Case Timedate(string user, string what) => new(user, "org.freedesktop.timedate1." + what, []);

    private static List<string> Evaluate(IEnumerable<string> files, IReadOnlyList<Case> cases)
    {
        var script = Path.GetTempFileName();
        try
        {
            File.WriteAllText(script, Evaluator);
            var input = JsonSerializer.Serialize(new { files, cases }, new JsonSerializerOptions(JsonSerializerDefaults.Web));
            var (code, output, error) = ImageFiles.Run("node", [script], stdin: input);
            Assert.True(code == 0, error);
            return JsonSerializer.Deserialize<List<string>>(output)!;
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public void The_host_may_restart_timesyncd_switch_ssh_set_ntp_and_the_time_zone_reload_networkd_and_reboot()
    {
        Case[] allowed =
        [
            Unit("appliance", "systemd-timesyncd.service", "restart"),
            Unit("appliance", "systemd-timesyncd.service", "reload-or-restart"),
            Timedate("appliance", "set-ntp"),
            Timedate("appliance", "set-timezone"),
            new("appliance", "org.freedesktop.network1.reload", []),
            new("appliance", "org.freedesktop.network1.reconfigure", []),
            Unit("appliance", "ssh.service", "start"),
            Unit("appliance", "ssh.service", "stop"),
            new("appliance", "org.freedesktop.login1.reboot", []),
            new("appliance", "org.freedesktop.login1.reboot-multiple-sessions", []),
            new("appliance", "org.freedesktop.login1.power-off", []),
            new("appliance", "org.freedesktop.login1.power-off-multiple-sessions", []),
        ];
        Assert.All(Evaluate([Rule], allowed), answer => Assert.Equal("yes", answer));
    }

    [Fact]
    public void Anything_else_falls_through_to_polkits_defaults()
    {
        Case[] others =
        [
            Unit("appliance", "systemd-timesyncd.service", "stop"),
            Unit("appliance", "systemd-timesyncd.service", "start"),
            Unit("appliance", "appliance.service", "restart"),
            Unit("appliance", "systemd-networkd.service", "restart"),
            Unit("appliance", "systemd-timesyncd.service.d", "restart"),
            Unit("nobody", "systemd-timesyncd.service", "restart"),
            Unit("root", "systemd-timesyncd.service", "restart"),
            new("appliance", "org.freedesktop.systemd1.manage-unit-files", new() { ["unit"] = "systemd-timesyncd.service" }),
            new("appliance", "org.freedesktop.systemd1.reload-daemon", []),
            Timedate("appliance", "set-time"),
            Timedate("appliance", "set-local-rtc"),
            Timedate("nobody", "set-ntp"),
            // Reboot, but not past an inhibitor, not a suspend, not for another user.
            new("appliance", "org.freedesktop.login1.reboot-ignore-inhibit", []),
            new("appliance", "org.freedesktop.login1.suspend", []),
            new("appliance", "org.freedesktop.login1.set-wall-message", []),
            new("nobody", "org.freedesktop.login1.reboot", []),
            new("appliance", "org.freedesktop.network1.set-dns-servers", []),
            new("appliance", "org.freedesktop.network1.forcerenew", []),
            new("nobody", "org.freedesktop.network1.reload", []),
            // SSH: only ssh.service itself, only start and stop, only for the host.
            Unit("appliance", "ssh.socket", "start"),
            Unit("appliance", "sshd.service", "start"),
            Unit("appliance", "ssh@.service", "start"),
            Unit("appliance", "ssh.service", "restart"),
            Unit("appliance", "ssh.service", "reload"),
            Unit("appliance", "ssh.service", "kill"),
            Unit("appliance", "ssh.service", "enable"),
            Unit("nobody", "ssh.service", "start"),
            Unit("appliance-maint", "ssh.service", "stop"),
            new("appliance", "org.freedesktop.systemd1.manage-unit-files", new() { ["unit"] = "ssh.service" }),
        ];
        Assert.All(Evaluate([Rule], others), answer => Assert.Equal("not_handled", answer));
    }

    [Fact]
    public void A_rule_that_allows_everything_is_seen_negative_control()
    {
        var permissive = Path.GetTempFileName();
        try
        {
            File.WriteAllText(permissive, "polkit.addRule(function (action, subject) { return polkit.Result.YES; });");
            Assert.Equal(["yes", "yes"], Evaluate([permissive],
                [Unit("appliance", "appliance.service", "stop"), Timedate("nobody", "set-time")]));
        }
        finally
        {
            File.Delete(permissive);
        }
    }
}
