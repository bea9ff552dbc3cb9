using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using Appliance.Tools.Appliancectl.Cli;

namespace Appliance.Tools.Appliancectl.Commands;

/// <summary><c>appliancectl plugins list|show|install|remove|enable|disable|restart</c>.</summary>
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
                ["state", p.Text("state")], ["enabled", p.Text("enabled")], ["error", p.Text("error")], ["started", p.Text("startedAt")],
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

        var package = new Argument<FileInfo>("package") { Description = "Plugin package (.zip with plugin.json and the plugin's assemblies)" };
        var install = new Command("install", "Install or update a plugin from a package (a running older version is hot-swapped)") { package };
        install.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var file = parse.GetValue(package)!;
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

        plugins.Subcommands.Add(Action(globals, "remove", "Stop and uninstall a plugin", HttpMethod.Delete, "", "removed"));
        plugins.Subcommands.Add(Action(globals, "enable", "Enable and start a plugin (kept across restarts)", HttpMethod.Post, "/enable", "enabled"));
        plugins.Subcommands.Add(Action(globals, "disable", "Stop a plugin and keep it stopped across restarts", HttpMethod.Post, "/disable", "disabled"));
        plugins.Subcommands.Add(Action(globals, "restart", "Stop and start a plugin again", HttpMethod.Post, "/restart", "restarted"));
        return plugins;
    }

    private static Argument<string> IdArgument() => new("id") { Description = "Plugin id, e.g. appliance.rtsp" };

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
    private static int Report(Output output, JsonElement status, string done)
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
