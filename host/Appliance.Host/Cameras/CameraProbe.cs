using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Abstractions.Http;
using Appliance.Host.Plugins;
using Appliance.Host.Portal;

namespace Appliance.Host.Cameras;

/// <summary>
/// Proves a camera's stream through the RTSP plugin's probe route (<c>POST /plugins/appliance.rtsp/probe</c>), called
/// in-process the way the portal calls a plugin's page: the host may not reference a plugin's assembly, and the RTSP
/// client the probe reuses lives in that plugin. Failure codes: the probe's (<c>auth</c>, <c>path</c>,
/// <c>transport</c>, <c>codec</c>, <c>no-keyframe</c>, <c>unreachable</c>, <c>invalid-url</c>), <see cref="Unavailable"/>
/// when the RTSP plugin is not running, <see cref="Failed"/> when it failed or answered something else.
/// </summary>
public sealed class CameraProbe(PluginRouteTable routes, TimeProvider time, ILogger<CameraProbe> log)
{
    public const string RtspPluginId = "appliance.rtsp";
    public const string Unavailable = "unavailable";
    public const string Failed = "probe-failed";

    /// <summary>How long the probe may take on the camera (the plugin bounds it; the host waits a little longer).</summary>
    public static readonly TimeSpan ProbeTime = TimeSpan.FromSeconds(10);

    private const int MaxAnswerBytes = 64 * 1024;

    public async Task<Result<StreamProof>> ProveAsync(CameraInfo camera, CancellationToken ct)
    {
        if (!routes.TryMatch(RtspPluginId, "POST", "probe", out var route, out var values) || route is null)
            return new Failure(Unavailable, $"the RTSP ingest plugin ({RtspPluginId}) is not running, so the stream could not be proven");
        var body = JsonSerializer.SerializeToUtf8Bytes(new { camera.Id, camera.Name, camera.Enabled, camera.StreamUri, camera.OnvifUri, camera.Username, camera.Password, camera.Overrides, timeoutSeconds = ProbeTime.TotalSeconds },
            JsonSerializerOptions.Web);
        var request = new PluginStreamRequest("POST", $"/plugins/{RtspPluginId}/probe", values.ToDictionary(v => v.Key, v => v.Value?.ToString() ?? ""),
            new Dictionary<string, string>(), new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" },
            body.Length, new MemoryStream(body), new PluginCaller("appliance.host", UserRole.Admin), null);
        using var answer = new CappedBuffer(MaxAnswerBytes);
        int status;
        try
        {
            var response = await route.Handler(request, ct).WaitAsync(ProbeTime * 2 + TimeSpan.FromSeconds(10), ct);
            status = response.StatusCode;
            if (response.Body is not null) await response.Body(answer, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogWarning(ex, "The RTSP plugin's probe of camera {Camera} failed", camera.Id);
            return new Failure(Failed, $"the RTSP plugin's probe failed ({ex.GetType().Name})");
        }
        return status == 200 ? Read(answer.Written) : new Failure(Failed, $"the RTSP plugin's probe answered HTTP {status}");
    }

    private Result<StreamProof> Read(ReadOnlySpan<byte> json)
    {
        try
        {
            var root = JsonDocument.Parse(json.ToArray()).RootElement;
            if (!root.GetProperty("ok").GetBoolean())
                return new Failure(root.GetProperty("code").GetString() ?? Failed, root.GetProperty("message").GetString() ?? "");
            return new StreamProof(root.GetProperty("codec").GetString()!, root.GetProperty("width").GetInt32(), root.GetProperty("height").GetInt32(),
                root.TryGetProperty("fps", out var fps) ? fps.GetDouble() : null, root.GetProperty("transport").GetString()!,
                root.TryGetProperty("audio", out var audio) ? audio.GetString() : null, time.GetUtcNow());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return new Failure(Failed, "the RTSP plugin's probe answered something that is not a probe result");
        }
    }
}
