using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Abstractions;
using Appliance.Abstractions.Http;
using Appliance.Plugins.Rtsp.Protocol.Client;
using Appliance.Plugins.Rtsp.Protocol.Probing;

namespace Appliance.Plugins.Rtsp.Plugin;

/// <summary>
/// <c>POST /plugins/appliance.rtsp/probe</c> (admin): proves a camera's stream before the host stores it or when an
/// admin tests it. The body is the camera as the directory holds it (<see cref="CameraInfo"/>, with its credentials
/// and overrides) and optionally <c>timeoutSeconds</c> (1-30, default 10); the answer is 200 with either the
/// stream's facts (<c>ok: true, codec, width, height, fps, profile, level, transport, audio</c>) or the reason
/// (<c>ok: false, code, message</c>, codes of <see cref="StreamProbeFailure"/>); 400 for a body that is not such a
/// camera. The probe is <see cref="RtspStreamProbe"/>, the ingest's own session; an automatic transport tries TCP,
/// then UDP when TCP is refused, as ingest does.
/// </summary>
internal sealed class ProbeRoute(RtspPlugin plugin)
{
    public const string Path = "probe";
    private const double DefaultSeconds = 10, MaxSeconds = 30;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public void Map(IHttpSurface http) => http.Map("POST", Path, HandleAsync);

    private async Task<PluginStreamResponse> HandleAsync(PluginStreamRequest request, CancellationToken ct)
    {
        if (!(await ReadAsync(request.Body, ct).ConfigureAwait(false)).TryGetValue(out var asked, out var bad))
            return PluginStreamResponse.Json(JsonSerializer.Serialize(new { ok = false, code = bad.Code, message = bad.Message }, Json), 400);
        if (plugin.ProbeSettings() is not { } running) return PluginStreamResponse.Text("the RTSP plugin is not running", 503);
        var result = await ProbeAsync(asked.Camera, asked.Timeout, running.Settings, running.Context, running.Ports, ct).ConfigureAwait(false);
        var answer = result.TryGetValue(out var facts, out var failure)
            ? JsonSerializer.Serialize(new
            {
                ok = true,
                codec = facts.Codec,
                width = facts.Width,
                height = facts.Height,
                fps = facts.Fps,
                profile = facts.Profile,
                level = facts.Level,
                transport = facts.Transport == RtspTransportMode.Udp ? "udp" : "tcp",
                audio = facts.Audio,
            }, Json)
            : JsonSerializer.Serialize(new { ok = false, code = failure.Code, message = failure.Message }, Json);
        return PluginStreamResponse.Json(answer);
    }

    private static async Task<Result<StreamFacts>> ProbeAsync(CameraInfo camera, TimeSpan timeout, RtspPluginSettings settings, IPluginContext context,
        IRtpPortAllocator ports, CancellationToken ct)
    {
        var chosen = camera.Overrides.RtspTransport?.ToLowerInvariant() switch
        {
            "tcp" => RtspTransportMode.Tcp,
            "udp" => RtspTransportMode.Udp,
            _ => settings.DefaultTransport,
        };
        var options = new RtspPullOptions(camera.StreamUri!)
        {
            UserName = camera.Username,
            Password = camera.Password,
            AllowBasicAuth = camera.Overrides.AllowPlainBasicAuth,
            PortOverride = camera.Overrides.RtspPort,
            Transport = chosen ?? RtspTransportMode.Tcp,
            ConnectTimeout = settings.ConnectTimeout,
            RequestTimeout = settings.RequestTimeout,
            Time = context.Time,
            UdpPorts = ports,
        };
        var first = await RtspStreamProbe.RunAsync(options, timeout, ct).ConfigureAwait(false);
        if (chosen is not null || first.IsOk || first.Failure!.Code != StreamProbeFailure.Transport) return first;
        return await RtspStreamProbe.RunAsync(options with { Transport = RtspTransportMode.Udp }, timeout, ct).ConfigureAwait(false);
    }

    private sealed record ProbeRequest(CameraInfo Camera, TimeSpan Timeout);

    private static async Task<Result<ProbeRequest>> ReadAsync(Stream body, CancellationToken ct)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(body, default, ct).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return new Failure("malformed", "the body is not JSON: " + e.Message);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) return new Failure("malformed", "the body is not a JSON object");
            CameraInfo? camera;
            try
            {
                camera = document.RootElement.Deserialize<CameraInfo>(Json);
            }
            catch (JsonException e)
            {
                return new Failure("malformed", "the body is not a camera: " + e.Message);
            }
            if (camera is null || string.IsNullOrWhiteSpace(camera.StreamUri)) return new Failure("malformed", "streamUri is required");
            camera = camera with { Overrides = camera.Overrides ?? new CameraOverrides() };
            var seconds = DefaultSeconds;
            if (document.RootElement.TryGetProperty("timeoutSeconds", out var t))
            {
                if (t.ValueKind != JsonValueKind.Number || !t.TryGetDouble(out seconds) || seconds is < 1 or > MaxSeconds)
                    return new Failure("malformed", $"timeoutSeconds must be a number from 1 to {MaxSeconds}");
            }
            return new ProbeRequest(camera, TimeSpan.FromSeconds(seconds));
        }
    }
}
