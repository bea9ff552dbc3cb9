using System.CommandLine;
using System.Text.Json;
using Appliance.Tools.Appliancectl.Cli;

namespace Appliance.Tools.Appliancectl.Commands;

/// <summary>
/// <c>appliancectl system ssh [apply]</c>: the maintenance login through <c>/api/v1/system/ssh</c>: on or off, zones,
/// the accepted keys with their fingerprints, the SSH unit's state (exit 1 when a key is refused or the unit cannot be
/// read); <c>apply</c> writes the keys and starts or stops SSH.
/// </summary>
public static class SshCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("ssh", "The SSH maintenance login: on or off, zones, keys and their fingerprints");
        command.SetSessionAction(globals, async (session, _, ct) =>
        {
            var ssh = await session.Api.GetAsync("/api/v1/system/ssh", ct);
            var errors = ssh.Items("errors").Select(Json.Show).ToList();
            if (session.Output.Json) session.Output.WriteJson(ssh);
            else
            {
                var unit = ssh.Child("unit") is { ValueKind: JsonValueKind.Object } u ? $"{u.Text("activeState")} ({u.Text("subState")})" : "unknown";
                session.Output.Table(["", ""],
                [
                    ["ssh", ssh.Text("enabled") == "true" ? "on" : "off"], ["service", unit],
                    ["zones", string.Join(" ", ssh.Items("zones").Select(Json.Show))], ["keys file", ssh.Text("authorizedKeysFile")],
                ], maxCell: 200);
                session.Output.Table(["TYPE", "BITS", "FINGERPRINT", "COMMENT"],
                    ssh.Items("keys").Select(k => (IReadOnlyList<string>)[k.Text("keyType"), k.Text("bits"), k.Text("fingerprint"), k.Text("comment")]));
                foreach (var error in errors) session.Output.Fail(error);
            }
            return errors.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        var apply = new Command("apply", "Write the configured keys for sshd and start SSH, or stop it when off or a key is refused");
        apply.SetSessionAction(globals, async (session, _, ct) =>
        {
            var answer = await session.Api.PostJsonAsync("/api/v1/system/ssh/apply", new { }, ct);
            if (session.Output.Json) session.Output.WriteJson(answer);
            else session.Output.Line(answer.Text("message"));
            return ExitCodes.Ok;
        });
        command.Subcommands.Add(apply);
        return command;
    }
}
