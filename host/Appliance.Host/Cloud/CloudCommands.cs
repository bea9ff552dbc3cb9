using System.Text.Json;
using Appliance.Abstractions;
using Appliance.CloudLink;
using Appliance.Host.Backup;
using Appliance.Host.Configuration;
using Appliance.Host.Health;
using Appliance.Host.Plugins;
using Appliance.Host.SystemServices;

namespace Appliance.Host.Cloud;

/// <summary>
/// Runs the commands the fleet sends: parsed and checked first (size, JSON, device, expiry), then the allow-list
/// (<c>appliance.cloud.commands</c>), then the replay guard; only then the command, whose result goes back on the
/// response topic. A command that fails any check is answered with an error result and nothing of it runs.
/// </summary>
public sealed class CloudCommands(
    PluginManager plugins,
    HealthRegistry health,
    BackupService backups,
    CloudCounters counters,
    TimeProvider time,
    ILogger<CloudCommands> log)
{
    /// <summary>Every command this appliance knows; the configuration allows a subset.</summary>
    public static readonly IReadOnlyList<string> Known = ["status", "plugin.enable", "plugin.disable", "plugin.restart", "plugin.config.set", "backup", "restore"];

    public async Task<CommandResult> RunAsync(IncomingCommand incoming, string deviceId, CloudOptions options, ReplayGuard replays, int maxBytes, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var parsed = CommandEnvelope.Parse(incoming.Payload.Span, deviceId, now, maxBytes);
        if (!parsed.TryGetValue(out var command, out var failure))
            return Refuse(CommandEnvelope.RequestIdOf(incoming.Payload.Span, maxBytes), null, failure.Code, failure.Message, now);
        if (!Known.Contains(command.Name, StringComparer.Ordinal))
            return Refuse(command.RequestId, command.Name, "unknown-command", $"'{command.Name}' is not a command of this appliance", now);
        if (!options.Commands.Contains(command.Name, StringComparer.Ordinal))
            return Refuse(command.RequestId, command.Name, "not-allowed", $"'{command.Name}' is not allowed by appliance.cloud.commands", now);
        if (!replays.TryAdmit(command.RequestId, command.ExpiresAt))
            return Refuse(command.RequestId, command.Name, "replayed", $"request {command.RequestId} was already taken; it runs once", now);
        var outcome = await ExecuteAsync(command, options, ct);
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

    private async Task<Result<JsonElement?>> ExecuteAsync(CloudCommand command, CloudOptions options, CancellationToken ct) => command.Name switch
    {
        "status" => Status(),
        "plugin.enable" => await OnPluginAsync(command, (id, c) => plugins.EnableAsync(id, c), ct),
        "plugin.disable" => await OnPluginAsync(command, (id, c) => plugins.DisableAsync(id, c), ct),
        "plugin.restart" => await OnPluginAsync(command, (id, c) => plugins.RestartAsync(id, c), ct),
        "plugin.config.set" => await SetConfigAsync(command, ct),
        "backup" => await BackupAsync(command, options, ct),
        "restore" => await RestoreAsync(command, options, ct),
        _ => new Failure("unknown-command", $"'{command.Name}' is not a command of this appliance"),
    };

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

    private static Result<string> PluginId(CloudCommand command) =>
        command.Args.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 and <= 128 } text
            ? text
            : new Failure("malformed", "args.id must name a plugin");

    private async Task<Result<JsonElement?>> OnPluginAsync(CloudCommand command, Func<string, CancellationToken, Task<Result<PluginStatus>>> action, CancellationToken ct)
    {
        if (!PluginId(command).TryGetValue(out var id, out var bad)) return bad;
        return Outcome(await action(id, ct));
    }

    private async Task<Result<JsonElement?>> SetConfigAsync(CloudCommand command, CancellationToken ct)
    {
        if (!PluginId(command).TryGetValue(out var id, out var bad)) return bad;
        if (!command.Args.TryGetProperty("config", out var config) || config.ValueKind != JsonValueKind.Object)
            return new Failure("malformed", "args.config must be a JSON object");
        return Outcome(await plugins.SetConfigAsync(id, config, ct));
    }

    private static string? Text(CloudCommand command, string name) =>
        command.Args.ValueKind == JsonValueKind.Object && command.Args.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary><c>backup</c>: makes a backup and PUTs it to <c>args.url</c> (HTTPS), with <c>args.passphrase</c> or <c>cloud.backupPassphrase</c>.</summary>
    private async Task<Result<JsonElement?>> BackupAsync(CloudCommand command, CloudOptions options, CancellationToken ct)
    {
        if (!BackupTransfer.HttpsUrl(Text(command, "url")).TryGetValue(out var url, out var badUrl)) return badUrl;
        var passphrase = Text(command, "passphrase") ?? options.BackupPassphrase;
        if (!(await backups.CreateAsync(passphrase)).TryGetValue(out var file, out var refused)) return refused;
        if (!(await BackupTransfer.UploadAsync(url, file.Bytes, options.CaFile, ct)).TryGetValue(out var sent, out var failed)) return failed;
        return (JsonElement?)JsonSerializer.SerializeToElement(new { fileName = file.FileName, size = sent.Size, sha256 = sent.Sha256 });
    }

    /// <summary><c>restore</c>: downloads <c>args.url</c> (HTTPS, size-limited) and restores it with <c>args.passphrase</c>, all or nothing.</summary>
    private async Task<Result<JsonElement?>> RestoreAsync(CloudCommand command, CloudOptions options, CancellationToken ct)
    {
        if (!BackupTransfer.HttpsUrl(Text(command, "url")).TryGetValue(out var url, out var badUrl)) return badUrl;
        if (!(await BackupTransfer.DownloadAsync(url, options.CaFile, ct)).TryGetValue(out var file, out var failed)) return failed;
        if (!(await backups.RestoreAsync(file, Text(command, "passphrase") ?? options.BackupPassphrase, ct)).TryGetValue(out var outcome, out var refused)) return refused;
        return (JsonElement?)JsonSerializer.SerializeToElement(new
        {
            deviceId = outcome.Preview.DeviceId,
            createdAt = outcome.Preview.CreatedAt,
            signedByThisDevice = outcome.Preview.SignedByThisDevice,
            changes = outcome.Preview.Changes.Select(c => new { section = c.Section, id = c.Id, name = c.Name, change = c.Change, fields = c.Fields }),
            warnings = outcome.Preview.Warnings,
            problems = outcome.Problems,
        });
    }

    private static Result<JsonElement?> Outcome(Result<PluginStatus> result) =>
        result.Map(status => (JsonElement?)JsonSerializer.SerializeToElement(new { id = status.Id, version = status.Version, state = status.State.ToString(), error = status.Error }));
}
