using System.Text.Json;
using Appliance.Abstractions.Http;
using Appliance.Plugins.Recording.Plugin.Clips;
using Appliance.Plugins.Recording.Plugin.Index;

namespace Appliance.Plugins.Recording.Plugin.Routes;

/// <summary>The routes' JSON shapes: times as ISO 8601 UTC, errors as <c>{ error, message }</c>.</summary>
internal static class Json
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static PluginStreamResponse Of(object value, int status = 200) => PluginStreamResponse.Json(JsonSerializer.Serialize(value, Options), status);

    public static PluginStreamResponse Error(int status, string code, string message) => Of(new { error = code, message }, status);

    public static string Time(long us) => ClipService.FromUs(us).ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture);

    public static object Clip(ClipRow c, string basePath, ClipExport? export) => new
    {
        export = export?.Upload(c.Camera, c.Id) is { } upload
            ? new
            {
                key = upload.Key,
                state = upload.State.ToString().ToLowerInvariant(),
                partsDone = upload.Parts.Count,
                parts = upload.PartCount,
                attempts = upload.Attempts,
                error = upload.FailureMessage is null ? null : $"{upload.FailureCode}: {upload.FailureMessage}",
            }
            : null,
        id = c.Id,
        camera = c.Camera,
        from = Time(c.FromUs),
        to = Time(c.ToUs),
        state = c.State,
        progress = c.Progress,
        error = c.Error,
        bytes = c.Bytes,
        frames = c.Frames,
        seconds = c.Seconds,
        created = Time(c.CreatedUs),
        download = c.State == ClipStates.Done ? $"{basePath}/clips/{c.Id}/file" : null,
        play = c.State == ClipStates.Done ? $"{basePath}/clips/{c.Id}/mp4" : null,
    };
}
