using System.Text;
using System.Text.Json;
using Appliance.Abstractions.Http;
using Appliance.Plugins.Recording.Plugin.Clips;
using Appliance.Plugins.Recording.Plugin.Index;
using Appliance.Plugins.Recording.Protocol.Clips;
using Appliance.Plugins.Shared;

namespace Appliance.Plugins.Recording.Plugin.Routes;

/// <summary>The plugin's HTTP routes (HostApi 1.1 surface, declared in plugin.json with their access).</summary>
internal sealed class RecordingRoutes(RecordingPlugin plugin, IHttpSurface http)
{
    private const int MaxRequestBytes = 4096;

    public void Map()
    {
        http.Map("GET", "cameras", (_, _) => Task.FromResult(Cameras()));
        http.Map("GET", "cameras/{id}/timeline", (r, _) => Task.FromResult(Timeline(r)));
        http.Map("POST", "clips", CreateClipAsync);
        http.Map("GET", "clips", (_, _) => Task.FromResult(Json.Of(plugin.Index.Clips().Select(c => Json.Clip(c, http.BasePath, plugin.ClipJobs.Export)))));
        http.Map("GET", "clips/{id}", (r, _) => Task.FromResult(Clip(r)));
        http.Map("DELETE", "clips/{id}", (r, _) => Task.FromResult(DeleteClip(r)));
        http.Map("GET", "clips/{id}/file", (r, _) => Task.FromResult(ClipFile(r)));
        http.Map("GET", "clips/{id}/mp4", PlayableAsync);
        http.Map("GET", "page", (_, _) => Task.FromResult(PluginStreamResponse.Html(PortalAssets.Read("page.html"))));
        http.Map("GET", "page.js", (_, _) => Task.FromResult(PluginStreamResponse.Bytes(Encoding.UTF8.GetBytes(PortalAssets.Read("page.js")), "text/javascript; charset=utf-8")));
    }

    private PluginStreamResponse Cameras()
    {
        var cameras = plugin.KnownCameras();
        var segments = plugin.Index.Segments();
        return Json.Of(cameras.Select(id =>
        {
            var own = segments.Where(s => s.Camera == id).ToList();
            return new
            {
                camera = id,
                recording = plugin.IsRecording(id),
                segments = own.Count,
                bytes = own.Sum(s => s.Bytes),
                from = own.Count == 0 ? null : Json.Time(own.Min(s => s.StartUs)),
                to = own.Count == 0 ? null : Json.Time(own.Max(s => s.EndUs)),
            };
        }));
    }

    /// <summary>One camera's segments and event markers, optionally between <c>from</c> and <c>to</c> (ISO 8601).</summary>
    private PluginStreamResponse Timeline(PluginStreamRequest request)
    {
        var camera = request.RouteValues["id"];
        if (!plugin.KnownCameras().Contains(camera)) return Json.Error(404, "unknown-camera", $"no camera '{camera}' is known or recorded");
        if (!TryTime(request, "from", long.MinValue, out var from) || !TryTime(request, "to", long.MaxValue, out var to))
            return Json.Error(400, "malformed", "from and to must be ISO 8601 times with an offset");
        var segments = plugin.Index.Segments(camera, from, to);
        var events = plugin.Index.Events(camera, from == long.MinValue ? 0 : from, to);
        return Json.Of(new
        {
            camera,
            segments = segments.Select(s => new { id = s.Id, file = Path.GetFileName(s.Path), start = Json.Time(s.StartUs), end = Json.Time(s.EndUs), bytes = s.Bytes, frames = s.Frames, open = s.Open }),
            events = events.Select(e => new { at = Json.Time(e.AtUs), type = e.Type, eventId = e.EventId, detail = e.Detail }),
        });
    }

    private async Task<PluginStreamResponse> CreateClipAsync(PluginStreamRequest request, CancellationToken cancellationToken)
    {
        JsonElement body;
        try
        {
            using var limited = new MemoryStream();
            var buffer = new byte[1024];
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (limited.Length + read > MaxRequestBytes) return Json.Error(413, "too-large", $"a clip request is at most {MaxRequestBytes} bytes");
                limited.Write(buffer, 0, read);
            }
            body = JsonDocument.Parse(limited.ToArray()).RootElement.Clone();
        }
        catch (JsonException e)
        {
            return Json.Error(400, "malformed", $"the body is not JSON: {e.Message}");
        }
        if (body.ValueKind != JsonValueKind.Object) return Json.Error(400, "malformed", "the body must be a JSON object { cameraId, from, to }");
        var range = ClipRanges.Validate(Text(body, "cameraId"), Text(body, "from"), Text(body, "to"), plugin.Time.GetUtcNow(), plugin.Settings.Limits.MaxAge,
            id => plugin.KnownCameras().Contains(id));
        if (!range.IsOk) return Json.Error(400, range.Failure!.Code, range.Failure.Message);
        var exportIt = body.TryGetProperty("export", out var exportField) && exportField.ValueKind == JsonValueKind.True;
        var downscale = body.TryGetProperty("downscale", out var downscaleField) && downscaleField.ValueKind == JsonValueKind.True;
        var clip = plugin.ClipJobs.Create(range.Value, exportIt, downscale);
        if (!clip.IsOk) return Json.Error(400, clip.Failure!.Code, clip.Failure.Message);
        var location = $"{http.BasePath}/clips/{clip.Value.Id}";
        var response = Json.Of(Json.Clip(clip.Value, http.BasePath, plugin.ClipJobs.Export), 202);
        return response with { Headers = new Dictionary<string, string>(response.Headers) { ["Location"] = location } };
    }

    private PluginStreamResponse Clip(PluginStreamRequest request) =>
        plugin.Index.Clip(request.RouteValues["id"]) is { } clip ? Json.Of(Json.Clip(clip, http.BasePath, plugin.ClipJobs.Export)) : Json.Error(404, "not-found", "no such clip");

    private PluginStreamResponse DeleteClip(PluginStreamRequest request)
    {
        var deleted = plugin.ClipJobs.Delete(request.RouteValues["id"]);
        if (deleted.IsOk) return PluginStreamResponse.Status(204);
        return Json.Error(deleted.Failure!.Code == "busy" ? 409 : 404, deleted.Failure.Code, deleted.Failure.Message);
    }

    private PluginStreamResponse ClipFile(PluginStreamRequest request)
    {
        var id = request.RouteValues["id"];
        if (plugin.Index.Clip(id) is not { } clip) return Json.Error(404, "not-found", "no such clip");
        if (clip.State != ClipStates.Done) return Json.Error(409, "not-ready", $"the clip is {clip.State} ({clip.Progress:P0}){(clip.Error is null ? "" : $": {clip.Error}")}");
        var name = $"{clip.Camera}-{ClipService.FromUs(clip.FromUs):yyyyMMdd-HHmmss}.ts";
        return ByteRanges.ServeFile(request, plugin.ClipJobs.FilePath(id), "video/mp2t", request.Query.ContainsKey("download") ? name : null);
    }

    /// <summary>The clip as MP4 for the browser (<c>video/mp4</c>, Range), rewrapped on the first request.</summary>
    private async Task<PluginStreamResponse> PlayableAsync(PluginStreamRequest request, CancellationToken cancellationToken)
    {
        var id = request.RouteValues["id"];
        var playable = await plugin.ClipJobs.PlayableAsync(id, cancellationToken).ConfigureAwait(false);
        if (!playable.IsOk)
        {
            var status = playable.Failure!.Code switch { "not-found" => 404, "not-ready" => 409, "unsupported" => 415, "malformed" => 422, _ => 500 };
            return Json.Error(status, playable.Failure.Code, playable.Failure.Message);
        }
        var clip = plugin.Index.Clip(id)!;
        var name = $"{clip.Camera}-{ClipService.FromUs(clip.FromUs):yyyyMMdd-HHmmss}.mp4";
        return ByteRanges.ServeFile(request, playable.Value, "video/mp4", request.Query.ContainsKey("download") ? name : null);
    }

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool TryTime(PluginStreamRequest request, string name, long fallback, out long us)
    {
        us = fallback;
        if (!request.Query.TryGetValue(name, out var text)) return true;
        if (!DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t)) return false;
        us = ClipService.ToUs(t);
        return true;
    }
}
