using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Appliance.Tools.Appliancectl.Cli;

namespace Appliance.Tools.Appliancectl.Commands;

/// <summary>
/// <c>appliancectl cameras add (--stream-uri rtsp://... | --onvif-uri http://...)</c> and
/// <c>appliancectl cameras edit &lt;id&gt; [--name] [--stream-uri] [--onvif-uri] ...</c>: one set of options, so
/// the camera's addresses never collide with the global <c>--url</c> (the appliance's address).
/// </summary>
public static class CameraFormCommands
{
    private sealed class Form
    {
        public Option<string?> StreamUri { get; } = new("--stream-uri") { Description = "The camera's RTSP stream, rtsp://host:554/path" };

        public Option<string?> OnvifUri { get; } = new("--onvif-uri", "--onvif") { Description = "The camera's ONVIF device address, http://host/onvif/device_service" };

        public Option<string?> Name { get; } = new("--name") { Description = "A name for the camera" };

        public Option<string?> User { get; } = new("--user") { Description = "User name the camera wants" };

        public Option<string?> Password { get; } = PasswordInput.DiscouragedOption("Password the camera wants (stored encrypted on the appliance)");

        public Option<bool> PasswordStdin { get; } = PasswordInput.StdinOption("the camera's password");

        public Option<string?> Transport { get; } = new("--transport") { Description = "RTSP transport: tcp or udp" };

        public Option<bool> Force { get; } = new("--force")
        {
            Description = "Store the camera even when its stream does not play now (the appliance proves a stream to a keyframe first)",
        };

        /// <summary>The path with <c>?force=true</c> when <c>--force</c> was given.</summary>
        public string Path(ParseResult parse, string path) => parse.GetValue(Force) ? path + "?force=true" : path;

        public Command Command(string name, string description)
        {
            Transport.AcceptOnlyFromAmong("tcp", "udp");
            var command = new Command(name, description) { StreamUri, OnvifUri, Name, User, Password, PasswordStdin, Transport, Force };
            command.RefuseBoth(Password, PasswordStdin);
            return command;
        }

        public bool GivesPassword(System.CommandLine.Parsing.CommandResult result) => result.GetResult(Password) is not null || result.GetValue(PasswordStdin);

        public string? PasswordOf(ParseResult parse) =>
            parse.GetValue(PasswordStdin) ? PasswordInput.FromStdin(Console.In, "camera password") : parse.GetValue(Password);
    }

    public static Command Add(GlobalOptions globals)
    {
        var form = new Form();
        var command = form.Command("add", "Add a camera by RTSP stream or ONVIF address");
        command.Validators.Add(result =>
        {
            if (result.GetResult(form.StreamUri) is null && result.GetResult(form.OnvifUri) is null)
                result.AddError("cameras add: give --stream-uri rtsp://... or --onvif-uri http://...");
            if (form.GivesPassword(result) && result.GetResult(form.User) is null) result.AddError("cameras add: a password needs --user");
        });
        command.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var body = new
            {
                name = parse.GetValue(form.Name),
                streamUri = parse.GetValue(form.StreamUri),
                onvifUri = parse.GetValue(form.OnvifUri),
                username = parse.GetValue(form.User),
                password = form.PasswordOf(parse),
                overrides = parse.GetValue(form.Transport) is { } t ? new { rtspTransport = t } : null,
            };
            var camera = await session.Api.PostJsonAsync(form.Path(parse, "/api/v1/cameras"), body, ct);
            if (session.Output.Json) session.Output.WriteJson(camera);
            else session.Output.Line($"added {camera.Text("id")} ({camera.Text("name")})");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>PUT /api/v1/cameras/{id} with only the given fields (the appliance keeps the others).</summary>
    public static Command Edit(GlobalOptions globals)
    {
        var form = new Form();
        var id = new Argument<string>("id") { Description = "Camera id (see 'cameras list')" };
        var enable = new Option<bool>("--enable") { Description = "Enable the camera" };
        var disable = new Option<bool>("--disable") { Description = "Disable the camera (kept in the inventory, not pulled)" };
        var command = form.Command("edit", "Change a camera's settings; only the options given change");
        command.Arguments.Add(id);
        command.Options.Add(enable);
        command.Options.Add(disable);
        command.Validators.Add(result =>
        {
            if (result.GetValue(enable) && result.GetValue(disable)) result.AddError("cameras edit: give --enable or --disable, not both");
            Option[] fields = [form.StreamUri, form.OnvifUri, form.Name, form.User, form.Password, form.PasswordStdin, form.Transport, enable, disable];
            if (!fields.Any(f => result.GetResult(f) is not null))
                result.AddError("cameras edit: give at least one setting to change (--name, --stream-uri, --onvif-uri, --user, --password-stdin, --transport, --enable, --disable)");
        });
        command.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var path = $"/api/v1/cameras/{Uri.EscapeDataString(parse.GetValue(id)!)}";
            var body = new JsonObject();
            Set(body, "name", parse.GetValue(form.Name));
            Set(body, "streamUri", parse.GetValue(form.StreamUri));
            Set(body, "onvifUri", parse.GetValue(form.OnvifUri));
            Set(body, "username", parse.GetValue(form.User));
            Set(body, "password", form.PasswordOf(parse));
            if (parse.GetValue(enable) || parse.GetValue(disable)) body["enabled"] = parse.GetValue(enable);
            if (parse.GetValue(form.Transport) is { } transport)
            {
                // The appliance replaces the overrides as a whole: keep the camera's others.
                var current = await session.Api.GetAsync(path, ct);
                var overrides = current.Child("overrides") is { } o ? JsonNode.Parse(o.GetRawText())!.AsObject() : new JsonObject();
                overrides["rtspTransport"] = transport;
                body["overrides"] = overrides;
            }
            var camera = await session.Api.SendAsync(HttpMethod.Put, form.Path(parse, path), JsonContent.Create(body), ct);
            if (session.Output.Json) session.Output.WriteJson(camera);
            else session.Output.Line($"changed {camera.Text("id")} ({camera.Text("name")})");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Set(JsonObject body, string name, string? value)
    {
        if (value is not null) body[name] = value;
    }
}
