using System.Text.Json;
using Appliance.Abstractions;
using Appliance.CloudLink;
using Appliance.Host.Configuration;
using Appliance.Host.PluginRepository;
using Appliance.Host.Plugins;

namespace Appliance.Host.Cloud.Commands;

/// <summary>
/// <c>plugin.enable|disable|restart</c> and <c>plugin.config.get</c> (<c>args.id</c>), <c>plugin.config.set</c> (<c>args.id</c>, <c>args.config</c>),
/// and <c>plugin.install|update</c> (<c>args.id</c>, optional <c>args.version</c>) from the signed catalog, with the
/// catalog's own checks (signature, channel, hardware, host API, downgrade).
/// </summary>
public sealed class PluginCommands(PluginManager plugins, PluginStateStore decisions, PluginCatalogService catalog) : ICloudCommandGroup
{
    public IReadOnlyList<string> Names { get; } = ["plugin.enable", "plugin.disable", "plugin.restart", "plugin.config.get", "plugin.config.set", "plugin.install", "plugin.update"];

    public async Task<Result<JsonElement?>> RunAsync(CloudCommand command, CloudOptions options, CancellationToken ct)
    {
        if (!CommandArgs.Required(command, "id", "a plugin").TryGetValue(out var id, out var bad)) return bad;
        return command.Name switch
        {
            "plugin.enable" => Outcome(await plugins.EnableAsync(id, ct)),
            "plugin.disable" => Outcome(await plugins.DisableAsync(id, ct)),
            "plugin.restart" => Outcome(await plugins.RestartAsync(id, ct)),
            "plugin.config.get" => GetConfig(id),
            "plugin.config.set" => await SetConfigAsync(command, id, ct),
            "plugin.install" => await InstallAsync(command, id, update: false, ct),
            "plugin.update" => await InstallAsync(command, id, update: true, ct),
            _ => throw new InvalidOperationException($"{command.Name} is not a plugin command"),
        };
    }

    /// <summary>The configuration as stored (null: the plugin's defaults), with the plugin's state.</summary>
    private Result<JsonElement?> GetConfig(string id)
    {
        var status = plugins.List().FirstOrDefault(p => p.Id == id);
        var record = decisions.Get(id);
        if (status is null && (record is null || record.Removed)) return new Failure("not-found", $"plugin '{id}' is not installed");
        return CommandArgs.Json(new { id, version = status?.Version ?? record?.Version, state = status?.State.ToString(), config = record?.Config });
    }

    private async Task<Result<JsonElement?>> SetConfigAsync(CloudCommand command, string id, CancellationToken ct)
    {
        if (!command.Args.TryGetProperty("config", out var config) || config.ValueKind != JsonValueKind.Object)
            return new Failure("malformed", "args.config must be a JSON object");
        return Outcome(await plugins.SetConfigAsync(id, config, ct));
    }

    private async Task<Result<JsonElement?>> InstallAsync(CloudCommand command, string id, bool update, CancellationToken ct)
    {
        var version = CommandArgs.Text(command, "version");
        if (version is { Length: 0 or > 64 }) return new Failure("malformed", "args.version must be a version (1 to 64 characters) or absent for the newest");
        if (!(await catalog.InstallAsync(id, version, force: false, update, ct)).TryGetValue(out var status, out var refused)) return refused;
        return View(status);
    }

    private static Result<JsonElement?> Outcome(Result<PluginStatus> result) =>
        result.TryGetValue(out var status, out var failure) ? View(status) : failure;

    private static Result<JsonElement?> View(PluginStatus status) =>
        CommandArgs.Json(new { id = status.Id, version = status.Version, state = status.State.ToString(), error = status.Error });
}
