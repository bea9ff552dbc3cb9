using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using Appliance.Tools.Appliancectl.Cli;

namespace Appliance.Tools.Appliancectl.Commands;

/// <summary><c>appliancectl plugins list|show|catalog|install|update|remove|enable|disable|restart|config</c>.</summary>
public static class PluginsCommands
{
    private const long MaxPackageBytes = 512L * 1024 * 1024;

    public static Command Create(GlobalOptions globals)
    {
        var plugins = new Command("plugins", "Install, remove, enable, disable and restart plugins");

        var list = new Command("list", "List installed plugins and their state");
        list.SetSessionAction(globals, async (session, _, ct) =>
        {
            var answer = await session.Api.GetAsync("/api/v1/plugins", ct);
            if (session.Output.Json) session.Output.WriteJson(answer);
            else session.Output.Table(["ID", "NAME", "VERSION", "KIND", "STATE", "ERROR"],
                answer.Items().Select(p => (IReadOnlyList<string>)[p.Text("id"), p.Text("name"), p.Text("version"), p.Text("kind"), p.Text("state"), p.Text("error")]));
            return ExitCodes.Ok;
        });
        plugins.Subcommands.Add(list);

        var showId = IdArgument();
        var show = new Command("show", "Show one plugin: state, error, routes, health, network footprint") { showId };
        show.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var p = await session.Api.GetAsync($"/api/v1/plugins/{Uri.EscapeDataString(parse.GetValue(showId)!)}", ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(p);
                return ExitCodes.Ok;
            }
            session.Output.Table(["", ""],
            [
                ["id", p.Text("id")], ["name", p.Text("name")], ["version", p.Text("version")], ["kind", p.Text("kind")],
                ["state", p.Text("state")], ["enabled", p.Text("enabled")], ["error", p.Text("error")], ["started", p.Time("startedAt")],
                ["routes", string.Join(", ", p.Items("routes").Select(Json.Show))],
            ], maxCell: 200);
            var network = p.Items("network").ToList();
            if (network.Count > 0)
            {
                session.Output.Line();
                session.Output.Table(["DIRECTION", "TRANSPORT", "PORT", "PEER", "PURPOSE", "REQUIRED"],
                    network.Select(n => (IReadOnlyList<string>)[n.Text("direction"), n.Text("transport"), n.Text("port"),
                        n.Text("fqdn") is { Length: > 0 } fqdn ? fqdn : n.Text("zone"), n.Text("purpose"), n.Text("required")]));
            }
            return ExitCodes.Ok;
        });
        plugins.Subcommands.Add(show);

        var catalog = new Command("catalog", "List the signed repository's channel: versions, what is installed, what installing each would do");
        catalog.SetSessionAction(globals, async (session, _, ct) =>
        {
            var answer = await session.Api.GetAsync("/api/v1/plugins/catalog", ct);
            if (session.Output.Json)
            {
                session.Output.WriteJson(answer);
                return ExitCodes.Ok;
            }
            session.Output.Line($"channel {answer.Text("channel")} of {answer.Text("repository")}, serial {answer.Text("serial")}, signed by {answer.Text("signedBy")}, expires {answer.Time("expires")}");
            session.Output.Table(["ID", "VERSION", "INSTALLED", "SIZE", "ACTION"],
                answer.Items("packages").Select(p => (IReadOnlyList<string>)[p.Text("id"), p.Text("version"), p.Text("installed"), p.Text("size"),
                    p.Text("unfit") is { Length: > 0 } unfit ? $"unfit: {unfit}" : p.Text("action")]));
            return ExitCodes.Ok;
        });
        plugins.Subcommands.Add(catalog);

        var package = new Argument<string>("package-or-id")
        {
            Description = "A plugin id to install from the signed catalog, or a package file (.zip; refused unless the appliance allows unsigned packages)",
        };
        var installVersion = VersionOption();
        var installForce = ForceOption();
        var install = new Command("install", "Install a plugin from the signed catalog (by id) or from a package file (.zip)") { package, installVersion, installForce };
        install.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var target = parse.GetValue(package)!;
            if (!target.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) && !File.Exists(target))
                return await FromCatalog(session, target, "install", parse.GetValue(installVersion), parse.GetValue(installForce), ct);
            var file = new FileInfo(target);
            if (!file.Exists) throw new CliException($"install: {file.FullName} does not exist");
            if (file.Length == 0) throw new CliException($"install: {file.FullName} is empty");
            if (file.Length > MaxPackageBytes) throw new CliException($"install: {file.FullName} is larger than {MaxPackageBytes / 1024 / 1024} MiB");
            await using var stream = file.OpenRead();
            var content = new StreamContent(stream);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
            var status = await session.Api.SendAsync(HttpMethod.Post, "/api/v1/plugins", content, ct);
            return Report(session.Output, status, "installed");
        });
        plugins.Subcommands.Add(install);

        var updateId = IdArgument();
        var updateVersion = VersionOption();
        var updateForce = ForceOption();
        var update = new Command("update", "Update an installed plugin from the signed catalog (newest fitting version, or --version; --force for a downgrade)")
        {
            updateId, updateVersion, updateForce,
        };
        update.SetSessionAction(globals, (session, parse, ct) =>
            FromCatalog(session, parse.GetValue(updateId)!, "update", parse.GetValue(updateVersion), parse.GetValue(updateForce), ct));
        plugins.Subcommands.Add(update);

        plugins.Subcommands.Add(Action(globals, "remove", "Stop and uninstall a plugin", HttpMethod.Delete, "", "removed"));
        plugins.Subcommands.Add(Action(globals, "enable", "Enable and start a plugin (kept across restarts)", HttpMethod.Post, "/enable", "enabled"));
        plugins.Subcommands.Add(Action(globals, "disable", "Stop a plugin and keep it stopped across restarts", HttpMethod.Post, "/disable", "disabled"));
        plugins.Subcommands.Add(Action(globals, "restart", "Stop and start a plugin again", HttpMethod.Post, "/restart", "restarted"));
        plugins.Subcommands.Add(PluginConfigCommands.Create(globals));
        return plugins;
    }

    private static Argument<string> IdArgument() => new("id") { Description = "Plugin id, e.g. appliance.rtsp" };

    private static Option<string?> VersionOption() => new("--version") { Description = "A version of the catalog instead of the newest that fits" };

    private static Option<bool> ForceOption() => new("--force") { Description = "Allow a downgrade or installing the same version again" };

    /// <summary>Install or update from the signed catalog; the appliance downloads, verifies and swaps.</summary>
    private static async Task<int> FromCatalog(CliSession session, string id, string action, string? version, bool force, CancellationToken ct)
    {
        var query = new List<string>();
        if (version is { Length: > 0 }) query.Add("version=" + Uri.EscapeDataString(version));
        if (force) query.Add("force=true");
        var path = $"/api/v1/plugins/catalog/{Uri.EscapeDataString(id)}/{action}" + (query.Count > 0 ? "?" + string.Join("&", query) : "");
        var status = await session.Api.SendAsync(HttpMethod.Post, path, null, ct);
        return Report(session.Output, status, action == "install" ? "installed" : "updated");
    }

    private static Command Action(GlobalOptions globals, string name, string description, HttpMethod method, string suffix, string done)
    {
        var id = IdArgument();
        var command = new Command(name, description) { id };
        command.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var status = await session.Api.SendAsync(method, $"/api/v1/plugins/{Uri.EscapeDataString(parse.GetValue(id)!)}{suffix}", null, ct);
            return Report(session.Output, status, done);
        });
        return command;
    }

    /// <summary>Prints what became of the plugin; a plugin left quarantined or invalid makes the command fail.</summary>
    public static int Report(Output output, JsonElement status, string done)
    {
        var state = status.Text("state");
        var failed = done != "removed" && (state.Equals("quarantined", StringComparison.OrdinalIgnoreCase) || state.Equals("invalid", StringComparison.OrdinalIgnoreCase));
        if (output.Json) output.WriteJson(status);
        else output.Line(done == "removed" ? $"removed {status.Text("id")} {status.Text("version")}" : $"{done} {status.Text("id")} {status.Text("version")}: {state}");
        if (!failed) return ExitCodes.Ok;
        output.Fail($"{status.Text("id")} is {state}: {status.Text("error")}");
        return ExitCodes.Failed;
    }
}
