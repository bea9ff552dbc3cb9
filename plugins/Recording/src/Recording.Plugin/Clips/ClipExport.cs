using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.Recording.ObjectStorage;

namespace Appliance.Plugins.Recording.Plugin.Clips;

/// <summary>
/// Clip export to the configured S3-compatible bucket: a clip asked for export (or every clip with
/// <c>exportAll</c>) is marked with <c>{clips}/{id}.export</c> when requested, so a restart between the request and
/// the cut still exports it; once cut it goes into the exporter's disk queue under
/// <c>{exportPrefix}{camera}/{id}.ts</c>, which uploads it (multipart, resumed after a cut link) in the background.
/// Bytes on the wire are reported as data use <c>clips</c>.
/// </summary>
internal sealed class ClipExport(ObjectExporter exporter, UploadQueue queue, string prefix, bool exportAll, bool downscale)
{
    public static Result<ClipExport?> Create(IPluginContext context, JsonElement config)
    {
        var host = Text(config, "exportHost");
        if (host.Length == 0) return Result<ClipExport?>.Ok(null);
        var caPem = Text(config, "exportCaPem");
        var destination = new S3Destination
        {
            ServiceUrl = new Uri($"https://{host}:{Number(config, "exportPort", 443)}"),
            Region = Text(config, "exportRegion") is { Length: > 0 } region ? region : "us-east-1",
            Bucket = Text(config, "exportBucket"),
            AccessKey = Text(config, "exportAccessKey"),
            SecretKey = Text(config, "exportSecretKey"),
            PathStyle = !config.TryGetProperty("exportPathStyle", out var pathStyle) || pathStyle.ValueKind != JsonValueKind.False,
            CaPem = caPem.Length > 0 ? caPem : null,
            PartSize = Number(config, "exportPartMegabytes", 8) * 1024L * 1024,
            BandwidthBytesPerSecond = Number(config, "exportKilobytesPerSecond", 0) * 1024L,
        };
        var errors = destination.Validate();
        if (errors.Count > 0) return Result<ClipExport?>.Fail("invalid-config", "export: " + string.Join("; ", errors));
        var queue = UploadQueue.Open(Path.Combine(context.DataDirectory, "export-queue"), context.Time);
        if (!queue.IsOk) return Result<ClipExport?>.Fail(queue.Failure!);
        foreach (var problem in queue.Value.Problems) context.Logger.Warn("export queue: {Problem}", problem);
        var exporter = ObjectExporter.Create(destination, queue.Value, context.Time);
        if (!exporter.IsOk) return Result<ClipExport?>.Fail(exporter.Failure!);
        exporter.Value.Sent += bytes => context.DataUse.Record("clips", bytes);
        return new ClipExport(exporter.Value, queue.Value, Text(config, "exportPrefix"), IsTrue(config, "exportAll"), IsTrue(config, "exportDownscale"));
    }

    public ObjectExporter Exporter => exporter;

    public bool ExportAll => exportAll;

    /// <summary>Every exported clip is downscaled to 2MP first (<c>exportDownscale</c>).</summary>
    public bool Downscale => downscale;

    private static bool IsTrue(JsonElement config, string key) => config.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.True;

    public string KeyOf(string camera, string clipId) => $"{prefix}{camera}/{clipId}.ts";

    /// <summary>Queues a cut clip's file (once: a clip already queued keeps its upload).</summary>
    public Result<QueueItem> Enqueue(string camera, string clipId, string path)
    {
        var key = KeyOf(camera, clipId);
        if (queue.Items().FirstOrDefault(i => i.Key == key) is { } existing) return existing;
        return queue.Enqueue(path, key, exporter.Destination.PartSize);
    }

    /// <summary>The upload of a clip, if it was queued.</summary>
    public QueueItem? Upload(string camera, string clipId) => queue.Items().FirstOrDefault(i => i.Key == KeyOf(camera, clipId));

    private static string Text(JsonElement config, string key) =>
        config.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    private static int Number(JsonElement config, string key, int fallback) =>
        config.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : fallback;
}
