using System.Text.Json;
using Appliance.Abstractions;

namespace Appliance.Host.Cameras;

/// <summary>What an HTTPS ONVIF camera presented, as the ONVIF plugin saw it at its last connection.</summary>
public sealed record PresentedCertificate(string Sha256, string Fingerprint, string Subject, DateTimeOffset NotAfter);

/// <summary>
/// A camera's HTTPS certificate and its pin: <c>state</c> is untrusted (never confirmed), pinned, changed (another
/// certificate than the pinned one: refused), system-trusted, or unknown (no connection yet).
/// </summary>
public sealed record CameraCertificate(string State, PresentedCertificate? Presented, string? Pinned);

/// <summary>
/// Trust on first use of an ONVIF camera's self-signed certificate from the portal, through the ONVIF plugin's routes
/// (<c>cameras/{id}/certificate</c>: GET, POST to pin the presented fingerprint, DELETE to forget), called in-process.
/// Failure codes: the route's answer (<c>not-found</c>, <c>invalid</c>, <c>conflict</c>: the camera now presents
/// another certificate), <see cref="OnvifProfiles.Unavailable"/>, <see cref="Failed"/>.
/// </summary>
public sealed class OnvifCertificates(InProcessPluginCall call)
{
    public const string Failed = "certificate-failed";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public async Task<Result<CameraCertificate>> GetAsync(string cameraId, CancellationToken ct)
    {
        var answer = await CallAsync("GET", cameraId, null, ct);
        if (!answer.TryGetValue(out var body, out var failure)) return failure;
        try
        {
            return JsonSerializer.Deserialize<CameraCertificate>(body, JsonSerializerOptions.Web) is { State: not null } certificate
                ? certificate
                : new Failure(Failed, "the ONVIF plugin answered something that is not a certificate's state");
        }
        catch (JsonException)
        {
            return new Failure(Failed, "the ONVIF plugin answered something that is not a certificate's state");
        }
    }

    /// <summary>Pins the certificate with SHA-256 <paramref name="sha256"/>, which must be the one the camera presents now.</summary>
    public async Task<Result<string>> PinAsync(string cameraId, string sha256, CancellationToken ct)
    {
        var answer = await CallAsync("POST", cameraId, new { sha256 }, ct);
        return answer.TryGetValue(out _, out var failure) ? sha256 : failure;
    }

    public async Task<Result<bool>> ForgetAsync(string cameraId, CancellationToken ct)
    {
        var answer = await CallAsync("DELETE", cameraId, null, ct);
        return answer.TryGetValue(out _, out var failure) ? true : failure;
    }

    private async Task<Result<byte[]>> CallAsync(string method, string cameraId, object? body, CancellationToken ct)
    {
        var path = $"cameras/{Uri.EscapeDataString(cameraId)}/certificate";
        var called = await call.SendAsync(method, OnvifProfiles.OnvifPluginId, path, body, Wait, Failed, ct);
        if (called is not { } result)
            return new Failure(OnvifProfiles.Unavailable, $"the ONVIF plugin ({OnvifProfiles.OnvifPluginId}) is not running, so the camera's certificate cannot be read or pinned");
        if (!result.TryGetValue(out var answer, out var failure)) return failure;
        if (answer.Status == 200) return answer.Body;
        var code = answer.Status switch { 404 => "not-found", 400 => "invalid", 409 => "conflict", _ => Failed };
        return new Failure(code, ErrorOf(answer.Body) ?? $"the ONVIF plugin's certificate route answered HTTP {answer.Status}");
    }

    private static string? ErrorOf(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String
                ? e.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
