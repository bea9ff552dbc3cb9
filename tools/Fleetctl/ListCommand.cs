using System.CommandLine;
using System.Text.Json;

namespace Appliance.Tools.Fleetctl;

/// <summary><c>fleetctl list</c>: every appliance whose retained state the broker holds, online or offline.</summary>
public static class ListCommand
{
    public static Command Create(FleetGlobals globals, TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("list", "List the appliances the broker knows, with their online state");
        command.SetAction((parse, ct) => globals.WithSessionAsync(parse, stderr, ct, async session =>
        {
            var states = await session.ReadStatesAsync(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), ct);
            foreach (var (device, online) in states.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                await stdout.WriteLineAsync(parse.GetValue(globals.Json)
                    ? JsonSerializer.Serialize(new { device, state = online ? "online" : "offline" })
                    : $"{device,-40} {(online ? "online" : "offline")}");
            }
            if (!parse.GetValue(globals.Json))
                await stderr.WriteLineAsync($"{states.Count} appliances, {states.Count(s => s.Value)} online");
            return FleetctlApp.Ok;
        }));
        return command;
    }
}
