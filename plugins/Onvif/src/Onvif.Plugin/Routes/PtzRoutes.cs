using System.Globalization;
using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.Onvif.Plugin.Cameras;
using Appliance.Plugins.Onvif.Protocol;
using Appliance.Plugins.Onvif.Protocol.Ptz;

namespace Appliance.Plugins.Onvif.Plugin.Routes;

/// <summary>
/// PTZ over the plugin's HTTP routes (mounted under <c>/plugins/appliance.onvif/</c>):
/// <c>POST cameras/{id}/ptz/move</c> <c>{"pan":0.5,"tilt":0,"zoom":0,"timeoutSeconds":2}</c>,
/// <c>POST cameras/{id}/ptz/stop</c>, <c>GET cameras/{id}/ptz/presets</c>,
/// <c>POST cameras/{id}/ptz/presets</c> <c>{"name":"door"}</c>, <c>POST cameras/{id}/ptz/presets/{token}/goto</c>.
/// </summary>
public sealed class PtzRoutes(CameraManager cameras)
{
    public void Map(IRouteRegistry routes)
    {
        routes.Map("POST", "cameras/{id}/ptz/move", MoveAsync);
        routes.Map("POST", "cameras/{id}/ptz/stop", StopAsync);
        routes.Map("GET", "cameras/{id}/ptz/presets", PresetsAsync);
        routes.Map("POST", "cameras/{id}/ptz/presets", SetPresetAsync);
        routes.Map("POST", "cameras/{id}/ptz/presets/{token}/goto", GotoPresetAsync);
    }

    private Task<PluginHttpResponse> MoveAsync(PluginHttpRequest request, CancellationToken cancellationToken) =>
        WithPtz(request, async (camera, ptz, profile) =>
        {
            if (!TryReadBody(request, out var body, out var bad)) return bad;
            var velocity = new PtzVelocity(Number(body, "pan"), Number(body, "tilt"), Number(body, "zoom"));
            var seconds = Number(body, "timeoutSeconds");
            TimeSpan? timeout = seconds > 0 ? TimeSpan.FromSeconds(Math.Min(seconds, 60)) : null;
            return Answer(await camera.Client.ContinuousMoveAsync(ptz, profile, velocity, timeout, cancellationToken).ConfigureAwait(false), _ => "{\"moving\":true}");
        });

    private Task<PluginHttpResponse> StopAsync(PluginHttpRequest request, CancellationToken cancellationToken) =>
        WithPtz(request, async (camera, ptz, profile) =>
            Answer(await camera.Client.StopAsync(ptz, profile, cancellationToken).ConfigureAwait(false), _ => "{\"stopped\":true}"));

    private Task<PluginHttpResponse> PresetsAsync(PluginHttpRequest request, CancellationToken cancellationToken) =>
        WithPtz(request, async (camera, ptz, profile) =>
            Answer(await camera.Client.GetPresetsAsync(ptz, profile, cancellationToken).ConfigureAwait(false),
                presets => JsonSerializer.Serialize(presets.Select(p => new { token = p.Token, name = p.Name }))));

    private Task<PluginHttpResponse> SetPresetAsync(PluginHttpRequest request, CancellationToken cancellationToken) =>
        WithPtz(request, async (camera, ptz, profile) =>
        {
            if (!TryReadBody(request, out var body, out var bad)) return bad;
            var name = body.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            if (string.IsNullOrWhiteSpace(name)) return Error(400, "body needs {\"name\": \"...\"}");
            return Answer(await camera.Client.SetPresetAsync(ptz, profile, name, cancellationToken).ConfigureAwait(false),
                token => JsonSerializer.Serialize(new { token }));
        });

    private Task<PluginHttpResponse> GotoPresetAsync(PluginHttpRequest request, CancellationToken cancellationToken) =>
        WithPtz(request, async (camera, ptz, profile) =>
            Answer(await camera.Client.GotoPresetAsync(ptz, profile, request.RouteValues["token"], cancellationToken).ConfigureAwait(false), _ => "{\"moving\":true}"));

    private async Task<PluginHttpResponse> WithPtz(PluginHttpRequest request, Func<ConnectedCamera, Uri, string, Task<PluginHttpResponse>> action)
    {
        if (!request.RouteValues.TryGetValue("id", out var id) || cameras.Find(id) is not { } session)
            return Error(404, "no ONVIF camera with this id");
        if (session.Connected is not { } connected)
            return Error(409, "camera not connected yet; see its health");
        if (connected.Services.Ptz is not { } ptz || connected.PtzProfile is not { } profile)
            return Error(409, "camera offers no PTZ service or no PTZ profile");
        return await action(connected, ptz, profile.Token).ConfigureAwait(false);
    }

    private static PluginHttpResponse Answer<T>(Result<T> result, Func<T, string> json) =>
        result.TryGetValue(out var value, out var error)
            ? PluginHttpResponse.Json(json(value))
            : Error(error.Code is ErrorKind.Transport or ErrorKind.NotAuthorized or ErrorKind.SoapFault ? 502 : 400, error.ToString());

    private static bool TryReadBody(PluginHttpRequest request, out JsonElement body, out PluginHttpResponse error)
    {
        body = default;
        error = Error(400, "body must be a JSON object");
        if (request.Body.Length == 0) { body = JsonDocument.Parse("{}").RootElement; return true; }
        if (request.Body.Length > 4096) { error = Error(413, "body larger than 4096 bytes"); return false; }
        try
        {
            body = JsonDocument.Parse(request.Body).RootElement;
            return body.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException ex)
        {
            error = Error(400, $"body is not JSON: {ex.Message}");
            return false;
        }
    }

    private static double Number(JsonElement body, string name) =>
        body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() :
        body.TryGetProperty(name, out v) && v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0;

    private static PluginHttpResponse Error(int status, string message) =>
        PluginHttpResponse.Json(JsonSerializer.Serialize(new { error = message }), status);
}
