using System.CommandLine;
using System.Text.Json;
using Appliance.Tools.Appliancectl.Cli;

namespace Appliance.Tools.Appliancectl.Commands;

/// <summary><c>appliancectl cameras list|show|add|edit|remove|discover|discovered|health|test|urls</c>.</summary>
public static class CamerasCommands
{
    public static Command Create(GlobalOptions globals)
    {
        var cameras = new Command("cameras", "The camera inventory: add, remove, discover, stream health");
        cameras.Subcommands.Add(List(globals));
        cameras.Subcommands.Add(Show(globals));
        cameras.Subcommands.Add(CameraFormCommands.Add(globals));
        cameras.Subcommands.Add(CameraFormCommands.Edit(globals));
        cameras.Subcommands.Add(Remove(globals));
        cameras.Subcommands.Add(Discover(globals));
        cameras.Subcommands.Add(Discovered(globals));
        cameras.Subcommands.Add(Health(globals));
        cameras.Subcommands.Add(Test(globals));
        cameras.Subcommands.Add(Urls(globals));
        return cameras;
    }

    private static Command Test(GlobalOptions globals)
    {
        var id = IdArgument();
        var command = new Command("test", "Test a camera: RTSP OPTIONS on its stream, ONVIF GetSystemDateAndTime on its device (exit 1 if a check fails)") { id };
        command.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var results = (await session.Api.SendAsync(HttpMethod.Post, $"/api/v1/cameras/{Uri.EscapeDataString(parse.GetValue(id)!)}/test", null, ct)).Items().ToList();
            var failed = results.Count(r => string.Equals(r.Text("status"), "Fail", StringComparison.OrdinalIgnoreCase));
            if (session.Output.Json) session.Output.WriteJson(JsonSerializer.SerializeToElement(results));
            else session.Output.Table(["STATUS", "CHECK", "TARGET", "DETAIL", "REMEDIATION"],
                results.Select(r => (IReadOnlyList<string>)[r.Text("status").ToUpperInvariant(), r.Text("name"), r.Text("target"), r.Text("detail"), r.Text("remediation")]),
                maxCell: 300);
            return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    /// <summary>One line per camera: what a VMS installer enters (GET /api/v1/cameras/urls, computed by the host).</summary>
    private static Command Urls(GlobalOptions globals)
    {
        var command = new Command("urls", "Each camera's RTSP URL on the appliance's RTSP server and the appliance's ONVIF device address, for a VMS");
        command.SetSessionAction(globals, async (session, _, ct) =>
        {
            var answer = await session.Api.GetAsync("/api/v1/cameras/urls", ct);
            if (session.Output.Json) session.Output.WriteJson(answer);
            else session.Output.Table(["ID", "NAME", "RTSP URL", "ONVIF ADDRESS"],
                answer.Items().Select(c => (IReadOnlyList<string>)[c.Text("id"), c.Text("name"), OrDash(c.Text("rtspUrl")), OrDash(c.Text("onvifAddress"))]),
                maxCell: 300);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string OrDash(string text) => string.IsNullOrEmpty(text) ? "-" : text;

    private static Argument<string> IdArgument() => new("id") { Description = "Camera id (see 'cameras list')" };

    private static Command List(GlobalOptions globals)
    {
        var command = new Command("list", "List cameras with their stream health");
        command.SetSessionAction(globals, async (session, _, ct) =>
        {
            var answer = await session.Api.GetAsync("/api/v1/cameras", ct);
            if (session.Output.Json) session.Output.WriteJson(answer);
            else session.Output.Table(["ID", "NAME", "ENABLED", "STREAM", "ONVIF", "STATE", "FPS", "KBIT/S", "LAST ERROR"],
                answer.Items().Select(c =>
                {
                    var h = c.Child("health") ?? default;
                    return (IReadOnlyList<string>)[c.Text("id"), c.Text("name"), c.Text("enabled"), c.Text("streamUri"), c.Text("onvifUri"),
                        h.ValueKind == JsonValueKind.Object ? h.Text("state") : "no health yet", Json.Fixed(h.Number("fps")), Json.Fixed(h.Number("bitrateKbps"), "0"), h.Text("lastError")];
                }));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(GlobalOptions globals)
    {
        var id = IdArgument();
        var command = new Command("show", "Show one camera (never its password)") { id };
        command.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var c = await session.Api.GetAsync($"/api/v1/cameras/{Uri.EscapeDataString(parse.GetValue(id)!)}", ct);
            if (session.Output.Json) session.Output.WriteJson(c);
            else session.Output.Table(["", ""],
            [
                ["id", c.Text("id")], ["name", c.Text("name")], ["enabled", c.Text("enabled")], ["stream", c.Text("streamUri")],
                ["onvif", c.Text("onvifUri")], ["user", c.Text("username")], ["password", c.Text("hasPassword") == "yes" ? "(set)" : "(none)"],
                ["source", c.Text("source")],
            ], maxCell: 200);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove(GlobalOptions globals)
    {
        var id = IdArgument();
        var command = new Command("remove", "Remove a camera from the inventory") { id };
        command.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var cameraId = parse.GetValue(id)!;
            await session.Api.SendAsync(HttpMethod.Delete, $"/api/v1/cameras/{Uri.EscapeDataString(cameraId)}", null, ct);
            if (session.Output.Json) session.Output.WriteJson(JsonSerializer.SerializeToElement(new { removed = cameraId }));
            else session.Output.Line($"removed {cameraId}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Discover(GlobalOptions globals)
    {
        var command = new Command("discover", "Ask the discovery plugins to probe the camera network now (see 'cameras discovered')");
        command.SetSessionAction(globals, async (session, _, ct) =>
        {
            var answer = await session.Api.PostJsonAsync("/api/v1/cameras/discover", new { }, ct);
            if (session.Output.Json) session.Output.WriteJson(answer);
            else session.Output.Line("discovery requested; run 'appliancectl cameras discovered' in a few seconds");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Discovered(GlobalOptions globals)
    {
        var command = new Command("discovered", "List devices the discovery plugins found");
        command.SetSessionAction(globals, async (session, _, ct) =>
        {
            var answer = await session.Api.GetAsync("/api/v1/cameras/discovered", ct);
            if (session.Output.Json) session.Output.WriteJson(answer);
            else session.Output.Table(["NAME", "ADDRESSES", "HARDWARE", "LOCATION", "SOURCE", "SEEN", "ENDPOINT"],
                answer.Items().Select(d => (IReadOnlyList<string>)[d.Text("name"), string.Join(" ", d.Items("addresses").Select(Json.Show)),
                    d.Text("hardware"), d.Text("location"), d.Text("source"), d.Time("seenAt"), d.Text("endpointReference")]));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Health(GlobalOptions globals)
    {
        var id = IdArgument();
        var command = new Command("health", "Stream health of a camera: fps, bitrate, keyframe interval, loss, reconnects") { id };
        command.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var h = await session.Api.GetAsync($"/api/v1/cameras/{Uri.EscapeDataString(parse.GetValue(id)!)}/health", ct);
            if (session.Output.Json) session.Output.WriteJson(h);
            else session.Output.Table(["", ""],
            [
                ["state", h.Text("state")], ["codec", h.Text("codec")], ["transport", h.Text("transport")],
                ["fps", Json.Fixed(h.Number("fps"))], ["bitrate", $"{Json.Fixed(h.Number("bitrateKbps"), "0")} kbit/s"],
                ["keyframe interval", $"{Json.Fixed(h.Number("keyframeIntervalSeconds"), "0.00")} s"],
                ["packets", $"{h.Text("packetsReceived")} received, {h.Text("packetsLost")} lost ({Json.Fixed(h.Number("lossPercent"), "0.00")} %)"],
                ["reconnects", h.Text("reconnects")], ["last frame", h.Time("lastFrameAt")], ["last error", h.Text("lastError")],
            ], maxCell: 200);
            return ExitCodes.Ok;
        });
        return command;
    }
}
