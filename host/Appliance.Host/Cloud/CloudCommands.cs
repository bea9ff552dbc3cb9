using System.Text.Json;
using Appliance.Abstractions;
using Appliance.CloudLink;
using Appliance.Host.Cloud.Commands;
using Appliance.Host.Configuration;
using Appliance.Host.Health;
using Appliance.Host.Plugins;
using Appliance.Host.SystemServices;

namespace Appliance.Host.Cloud;

/// <summary>
/// Runs the commands the fleet sends: parsed and checked first (size, JSON, device, expiry), then the allow-list
/// (<c>appliance.cloud.commands</c>), then the replay guard; only then the command, whose result goes back on the
/// response topic. A command that fails any check is answered with an error result and nothing of it runs. The
/// commands themselves live in groups (<c>Cloud/Commands</c>): plugins, backups, site (netcheck, snapshot, reboot).
/// </summary>
public sealed class CloudCommands(
    IEnumerable<ICloudCommandGroup> groups,
    PluginManager plugins,
    HealthRegistry health,
    CloudCounters counters,
    TimeProvider time,
    ILogger<CloudCommands> log)
{
    private readonly Dictionary<string, ICloudCommandGroup> _byName = groups
        .SelectMany(g => g.Names.Select(n => (Name: n, Group: g)))
        .ToDictionary(x => x.Name, x => x.Group, StringComparer.Ordinal);

    /// <summary>Every command this appliance knows; the configuration allows a subset.</summary>
    public IReadOnlyList<string> Known => ["status", .. _byName.Keys.Order(StringComparer.Ordinal)];

    public async Task<CommandResult> RunAsync(IncomingCommand incoming, string deviceId, CloudOptions options, ReplayGuard replays, int maxBytes, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var parsed = CommandEnvelope.Parse(incoming.Payload.Span, deviceId, now, maxBytes);
        if (!parsed.TryGetValue(out var command, out var failure))
            return Refuse(CommandEnvelope.RequestIdOf(incoming.Payload.Span, maxBytes), null, failure.Code, failure.Message, now);
        if (command.Name != "status" && !_byName.ContainsKey(command.Name))
            return Refuse(command.RequestId, command.Name, "unknown-command", $"'{command.Name}' is not a command of this appliance", now);
        if (!options.Commands.Contains(command.Name, StringComparer.Ordinal))
            return Refuse(command.RequestId, command.Name, "not-allowed", $"'{command.Name}' is not allowed by appliance.cloud.commands", now);
        if (!replays.TryAdmit(command.RequestId, command.ExpiresAt))
            return Refuse(command.RequestId, command.Name, "replayed", $"request {command.RequestId} was already taken; it runs once", now);
        var outcome = command.Name == "status" ? Status() : await _byName[command.Name].RunAsync(command, options, ct);
        if (!outcome.TryGetValue(out var data, out var error))
            return Refuse(command.RequestId, command.Name, error.Code, error.Message, time.GetUtcNow());
        counters.CommandRan();
        log.LogInformation("Cloud command {Command} ({RequestId}) done", command.Name, command.RequestId);
        return CommandResult.Ok(command, data, time.GetUtcNow());
    }

    private CommandResult Refuse(string? requestId, string? name, string code, string message, DateTimeOffset at)
    {
        counters.CommandRefused();
        log.LogWarning("Cloud command {Command} ({RequestId}) refused: {Code}: {Message}", name ?? "?", requestId ?? "?", code, message);
        return CommandResult.Error(requestId, name, code, message, at);
    }

    private Result<JsonElement?> Status()
    {
        var status = new
        {
            version = SystemInfo.Version,
            health = health.Overall().ToString(),
            problems = health.All().Where(r => r.Report.State != HealthState.Healthy)
                .Select(r => new { owner = r.Owner, component = r.Report.Component, state = r.Report.State.ToString(), message = r.Report.Message }),
            plugins = plugins.List().Select(p => new { id = p.Id, version = p.Version, state = p.State.ToString() }),
            counters = new { eventsSent = counters.EventsSent, commandsRun = counters.CommandsRun, commandsRefused = counters.CommandsRefused },
        };
        return (JsonElement?)JsonSerializer.SerializeToElement(status);
    }
}
