using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.Onvif.Plugin.Cameras;

namespace Appliance.Plugins.Onvif.Plugin.Routes;

/// <summary>
/// Trust on first use over the plugin's routes (admin only: no manifest entry declares them):
/// <c>GET cameras/{id}/certificate</c> → what the camera presented and what is pinned;
/// <c>POST cameras/{id}/certificate</c> <c>{"sha256":"…"}</c> pins the presented certificate (confirmation) and
/// reconnects at once; <c>DELETE cameras/{id}/certificate</c> removes the pin.
/// </summary>
public sealed class CertificateRoutes(CertificatePins pins, CameraManager cameras)
{
    private const int MaxBody = 4096;

    public void Map(IRouteRegistry routes)
    {
        routes.Map("GET", "cameras/{id}/certificate", ShowAsync);
        routes.Map("POST", "cameras/{id}/certificate", PinAsync);
        routes.Map("DELETE", "cameras/{id}/certificate", UnpinAsync);
    }

    private Task<PluginHttpResponse> ShowAsync(PluginHttpRequest request, CancellationToken cancellationToken)
    {
        var id = request.RouteValues["id"];
        if (cameras.Find(id) is null && pins.Pinned(id) is null) return Task.FromResult(Error(404, "no ONVIF camera with this id"));
        var presented = pins.Presented(id);
        var pinned = pins.Pinned(id);
        var state = presented?.Verdict switch
        {
            CertificateVerdict.SystemTrusted => "system-trusted",
            CertificateVerdict.Pinned => "pinned",
            CertificateVerdict.Untrusted => "untrusted",
            CertificateVerdict.Changed => "changed",
            _ => "unknown",
        };
        return Task.FromResult(PluginHttpResponse.Json(JsonSerializer.Serialize(new
        {
            state,
            presented = presented is null ? null : new
            {
                sha256 = presented.Sha256,
                fingerprint = CertificatePins.Format(presented.Sha256),
                subject = presented.Subject,
                notAfter = presented.NotAfter,
            },
            pinned = pinned is null ? null : CertificatePins.Format(pinned),
        })));
    }

    private Task<PluginHttpResponse> PinAsync(PluginHttpRequest request, CancellationToken cancellationToken)
    {
        var id = request.RouteValues["id"];
        if (cameras.Find(id) is null) return Task.FromResult(Error(404, "no ONVIF camera with this id"));
        if (request.Body.Length > MaxBody) return Task.FromResult(Error(413, $"body larger than {MaxBody} bytes"));
        string? sha256;
        try
        {
            using var body = JsonDocument.Parse(request.Body);
            sha256 = body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("sha256", out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()
                : null;
        }
        catch (JsonException e)
        {
            return Task.FromResult(Error(400, $"body is not JSON: {e.Message}"));
        }
        if (sha256 is null) return Task.FromResult(Error(400, "body needs {\"sha256\": \"<the fingerprint the camera presented>\"}"));
        var pinned = pins.Pin(id, sha256);
        if (!pinned.TryGetValue(out var value, out var failure))
            return Task.FromResult(Error(failure.Code == "invalid" ? 400 : 409, failure.Message));
        cameras.Restart(id);
        return Task.FromResult(PluginHttpResponse.Json(JsonSerializer.Serialize(new { pinned = CertificatePins.Format(value) })));
    }

    private Task<PluginHttpResponse> UnpinAsync(PluginHttpRequest request, CancellationToken cancellationToken)
    {
        var id = request.RouteValues["id"];
        if (!pins.Unpin(id)) return Task.FromResult(Error(404, "no certificate is pinned for this camera"));
        cameras.Restart(id);
        return Task.FromResult(PluginHttpResponse.Json("""{"pinned":null}"""));
    }

    private static PluginHttpResponse Error(int status, string message) =>
        PluginHttpResponse.Json(JsonSerializer.Serialize(new { error = message }), status);
}
