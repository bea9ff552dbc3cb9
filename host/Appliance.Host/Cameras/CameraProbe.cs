using System.Text.Json;
using Appliance.Abstractions;

namespace Appliance.Host.Cameras;

/// <summary>
/// Proves a camera's stream through the RTSP plugin's probe route (<c>POST /plugins/appliance.rtsp/probe</c>), called
/// in-process the way the portal calls a plugin's page: the host may not reference a plugin's assembly, and the RTSP
/// client the probe reuses lives in that plugin. Failure codes: the probe's (<c>auth</c>, <c>path</c>,
/// <c>transport</c>, <c>codec</c>, <c>no-keyframe</c>, <c>unreachable</c>, <c>invalid-url</c>), <see cref="Unavailable"/>
/// when the RTSP plugin is not running, <see cref="Failed"/> when it failed or answered something else.
/// </summary>
public sealed class CameraProbe(InProcessPluginCall call, TimeProvider time, ILogger<CameraProbe> log)
{
    public const string RtspPluginId = "appliance.rtsp";
    public const string Unavailable = "unavailable";
    public const string Failed = "probe-failed";

    /// <summary>How long the probe may take on the camera (the plugin bounds it; the host waits a little longer).</summary>
    public static readonly TimeSpan ProbeTime = TimeSpan.FromSeconds(10);

    public async Task<Result<StreamProof>> ProveAsync(CameraInfo camera, CancellationToken ct)
    {
        var body = new { camera.Id, camera.Name, camera.Enabled, camera.StreamUri, camera.OnvifUri, camera.Username, camera.Password, camera.Overrides, timeoutSeconds = ProbeTime.TotalSeconds };
        var called = await call.PostAsync(RtspPluginId, "probe", body, ProbeTime * 2 + TimeSpan.FromSeconds(10), Failed, ct);
        if (called is not { } result) return new Failure(Unavailable, $"the RTSP ingest plugin ({RtspPluginId}) is not running, so the stream could not be proven");
        if (!result.TryGetValue(out var answer, out var failure))
        {
            log.LogWarning("The RTSP plugin's probe of camera {Camera} failed: {Reason}", camera.Id, failure.Message);
            return failure;
        }
        return answer.Status == 200 ? Read(answer.Body) : new Failure(Failed, $"the RTSP plugin's probe answered HTTP {answer.Status}");
    }

    private Result<StreamProof> Read(byte[] json)
    {
        try
        {
            var root = JsonDocument.Parse(json).RootElement;
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
