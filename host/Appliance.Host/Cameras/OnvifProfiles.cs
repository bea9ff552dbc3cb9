using System.Text.Json;
using Appliance.Abstractions;

namespace Appliance.Host.Cameras;

/// <summary>One media profile of an ONVIF device, offered on Add and Edit; its token becomes the camera's <c>overrides.profile</c>.</summary>
public sealed record OnvifProfileOffer(string Token, string Name, string? Codec, int? Width, int? Height, double? Fps, string? StreamUri);

/// <summary>
/// What <c>POST /api/v1/cameras/onvif-profiles</c> is asked: the device service address and its credentials. On Edit,
/// <c>cameraId</c> names the stored camera whose credentials serve when the password is left blank.
/// </summary>
public sealed record OnvifProfilesInput(string? Address, string? Username, string? Password, string? CameraId = null);

/// <summary>
/// Lists an ONVIF device's media profiles through the ONVIF plugin's route (<c>POST /plugins/appliance.onvif/profiles</c>),
/// called in-process like <see cref="CameraProbe"/>. Failure codes: the plugin's (<c>auth</c>, <c>unreachable</c>,
/// <c>not-onvif</c>, <c>malformed</c>), <see cref="Unavailable"/> when the ONVIF plugin is not running,
/// <see cref="Failed"/> when it failed or answered something else.
/// </summary>
public sealed class OnvifProfiles(InProcessPluginCall call, CameraStore cameras)
{
    public const string OnvifPluginId = "appliance.onvif";
    public const string Unavailable = "unavailable";
    public const string Failed = "profiles-failed";
    public const string Invalid = "invalid";

    /// <summary>How long the device may take per request (the plugin bounds it; the host waits for a few requests).</summary>
    public static readonly TimeSpan RequestTime = TimeSpan.FromSeconds(8);

    public async Task<Result<IReadOnlyList<OnvifProfileOffer>>> ListAsync(OnvifProfilesInput input, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.Address) || !Uri.TryCreate(input.Address.Trim(), UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            return new Failure(Invalid, "the ONVIF address must be the device service's http:// or https:// URL");
        var (username, password) = Credentials(input);
        var body = new { address = address.ToString(), username, password, timeoutSeconds = RequestTime.TotalSeconds };
        var called = await call.PostAsync(OnvifPluginId, "profiles", body, RequestTime * 6, Failed, ct);
        if (called is not { } result) return new Failure(Unavailable, $"the ONVIF plugin ({OnvifPluginId}) is not running, so the profiles could not be listed");
        if (!result.TryGetValue(out var answer, out var failure)) return failure;
        return answer.Status is 200 or 400 ? Read(answer.Body) : new Failure(Failed, $"the ONVIF plugin's profiles route answered HTTP {answer.Status}");
    }

    private (string? Username, string? Password) Credentials(OnvifProfilesInput input)
    {
        if (!string.IsNullOrEmpty(input.Password) || input.CameraId is null || cameras.List().FirstOrDefault(c => c.Id == input.CameraId) is not { } stored)
            return (input.Username, input.Password);
        return (string.IsNullOrWhiteSpace(input.Username) ? stored.Username : input.Username, stored.Password);
    }

    private static Result<IReadOnlyList<OnvifProfileOffer>> Read(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (!root.GetProperty("ok").GetBoolean())
                return new Failure(root.GetProperty("code").GetString() ?? Failed, root.GetProperty("message").GetString() ?? "");
            return root.GetProperty("profiles").EnumerateArray().Select(p => p.Deserialize<OnvifProfileOffer>(JsonSerializerOptions.Web)!).ToList();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return new Failure(Failed, "the ONVIF plugin answered something that is not a list of profiles");
        }
    }
}
