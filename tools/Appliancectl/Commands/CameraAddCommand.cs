using System.CommandLine;
using Appliance.Tools.Appliancectl.Cli;

namespace Appliance.Tools.Appliancectl.Commands;

/// <summary>
/// <c>appliancectl cameras add --url rtsp://... | --onvif http://... [--name] [--user --password]</c>.
/// Here <c>--url</c> is the camera's stream; the appliance's own address can still be given with APPLIANCE_URL.
/// </summary>
public static class CameraAddCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var url = new Option<string?>("--url") { Description = "The camera's RTSP URL, rtsp://host:554/path (give the appliance's own --url before 'cameras')" };
        var onvif = new Option<string?>("--onvif") { Description = "The camera's ONVIF device address (http://host/onvif/device_service)" };
        var name = new Option<string?>("--name") { Description = "A name for the camera" };
        var user = new Option<string?>("--user") { Description = "User name the camera wants" };
        var password = new Option<string?>("--password") { Description = "Password the camera wants (stored encrypted on the appliance)" };
        var transport = new Option<string?>("--transport") { Description = "RTSP transport: tcp or udp" };
        transport.AcceptOnlyFromAmong("tcp", "udp");
        var command = new Command("add", "Add a camera by RTSP URL or ONVIF address") { url, onvif, name, user, password, transport };
        command.Validators.Add(result =>
        {
            var hasUrl = result.GetResult(url) is not null;
            var hasOnvif = result.GetResult(onvif) is not null;
            if (!hasUrl && !hasOnvif) result.AddError("cameras add: give --url rtsp://... or --onvif http://...");
            if (result.GetResult(password) is not null && result.GetResult(user) is null) result.AddError("cameras add: --password needs --user");
        });
        command.SetSessionAction(globals, async (session, parse, ct) =>
        {
            var body = new
            {
                name = parse.GetValue(name),
                streamUri = parse.GetValue(url),
                onvifUri = parse.GetValue(onvif),
                username = parse.GetValue(user),
                password = parse.GetValue(password),
                overrides = parse.GetValue(transport) is { } t ? new { rtspTransport = t } : null,
            };
            var camera = await session.Api.PostJsonAsync("/api/v1/cameras", body, ct);
            if (session.Output.Json) session.Output.WriteJson(camera);
            else session.Output.Line($"added {camera.Text("id")} ({camera.Text("name")})");
            return ExitCodes.Ok;
        });
        return command;
    }
}
