using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.Onvif.Protocol.Client;

namespace Appliance.Plugins.Onvif.Plugin.Routes;

/// <summary>
/// <c>POST /plugins/appliance.onvif/profiles</c> (admin): the media profiles of an ONVIF device, for the operator to
/// choose the one a camera streams from (the choice becomes the camera's <c>overrides.profile</c>). The body is
/// <c>{"address": "http://…/onvif/device_service", "username", "password", "timeoutSeconds"}</c> (timeout 1-30,
/// default 10); the answer is 200 with <c>ok: true, profiles: [{token, name, codec, width, height, fps, streamUri}]</c>
/// or <c>ok: false, code, message</c> (codes of <see cref="ProfileCatalog.Codes"/>); 400 for a body that is not such a request.
/// </summary>
internal sealed class ProfilesRoute(Func<HttpClient?> http, TimeProvider time)
{
    public const string Path = "profiles";
    private const double DefaultSeconds = 10, MaxSeconds = 30;

    public void Map(IRouteRegistry routes) => routes.Map("POST", Path, HandleAsync);

    private async Task<PluginHttpResponse> HandleAsync(PluginHttpRequest request, CancellationToken ct)
    {
        if (!Read(request.Body).TryGetValue(out var asked, out var bad))
            return PluginHttpResponse.Json(JsonSerializer.Serialize(new { ok = false, code = bad.Code, message = bad.Message }), 400);
        if (http() is not { } client) return PluginHttpResponse.Json(JsonSerializer.Serialize(new { ok = false, code = "unavailable", message = "the ONVIF plugin is not running" }), 503);
        var credentials = string.IsNullOrEmpty(asked.Username) ? null : new OnvifCredentials(asked.Username, asked.Password ?? "");
        var soap = new SoapHttpClient(client, credentials, time, new SoapClientOptions { Timeout = asked.Timeout });
        var listed = await ProfileCatalog.ListAsync(new OnvifClient(soap, asked.Address), ct).ConfigureAwait(false);
        var answer = listed.TryGetValue(out var profiles, out var failure)
            ? JsonSerializer.Serialize(new
            {
                ok = true,
                profiles = profiles.Select(o => new
                {
                    token = o.Profile.Token,
                    name = o.Profile.Name,
                    codec = o.Profile.Encoding,
                    width = o.Profile.Width,
                    height = o.Profile.Height,
                    fps = o.Profile.Fps,
                    streamUri = o.StreamUri?.ToString(),
                }),
            })
            : JsonSerializer.Serialize(new { ok = false, code = failure.Code, message = failure.Message });
        return PluginHttpResponse.Json(answer);
    }

    private sealed record ProfilesRequest(Uri Address, string? Username, string? Password, TimeSpan Timeout);

    private static Result<ProfilesRequest> Read(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return new Failure("malformed", "the body is not a JSON object");
            if (Text(root, "address") is not { } text || !Uri.TryCreate(text, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
                return new Failure("malformed", "address must be the device service's http:// or https:// URL");
            var seconds = DefaultSeconds;
            if (root.TryGetProperty("timeoutSeconds", out var t) && (t.ValueKind != JsonValueKind.Number || !t.TryGetDouble(out seconds) || seconds is < 1 or > MaxSeconds))
                return new Failure("malformed", $"timeoutSeconds must be a number from 1 to {MaxSeconds}");
            return new ProfilesRequest(address, Text(root, "username"), Text(root, "password"), TimeSpan.FromSeconds(seconds));
        }
        catch (JsonException e)
        {
            return new Failure("malformed", "the body is not JSON: " + e.Message);
        }
        catch (InvalidOperationException)
        {
            return new Failure("malformed", "address, username and password must be strings");
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetString() : null;
}
