using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.Recording.Protocol.Storage;

namespace Appliance.Plugins.Recording.Plugin;

/// <summary>Continuous: every frame is kept. Event: only the pre/post-event window around a trigger event.</summary>
public enum RecordingMode { Continuous, Event }

/// <summary>The plugin's validated configuration (see plugin.json for each key's meaning).</summary>
public sealed record RecordingSettings(
    RecordingMode Mode,
    TimeSpan SegmentLength,
    TimeSpan PreEvent,
    TimeSpan PostEvent,
    IReadOnlyList<string> TriggerEvents,
    IReadOnlyList<string> Cameras,
    RetentionLimits Limits)
{
    /// <summary>The bit rate of clips downscaled to 2MP by the media plugin.</summary>
    public int DownscaleKbps { get; init; } = 4000;

    /// <summary>How long the media plugin may take to start a downscale, or stay silent in one.</summary>
    public TimeSpan DownscaleAnswerLimit { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>The bytes finished clips may use (MPEG-TS and MP4 rewraps); 0 = no limit.</summary>
    public long ClipBudgetBytes { get; init; }

    /// <summary>Reads the configuration section (defaults filled by the host); fails with <c>invalid-config</c> naming the key.</summary>
    public static Result<RecordingSettings> From(JsonElement config)
    {
        try
        {
            var mode = Str(config, "mode", "continuous") switch
            {
                "continuous" => RecordingMode.Continuous,
                "event" => RecordingMode.Event,
                var other => throw new FormatException($"mode: '{other}' is neither continuous nor event"),
            };
            return new RecordingSettings(
                mode,
                TimeSpan.FromSeconds(Num(config, "segmentSeconds", 10, 1, 600)),
                TimeSpan.FromSeconds(Num(config, "preEventSeconds", 10, 0, 300)),
                TimeSpan.FromSeconds(Num(config, "postEventSeconds", 30, 0, 3600)),
                Strings(config, "triggerEvents", ["MotionDetected", "TamperDetected", "CameraEventReceived"]),
                Strings(config, "cameras", []),
                new RetentionLimits(
                    TimeSpan.FromHours(Num(config, "retentionHours", 168, 0, 24 * 3650)),
                    (long)(Num(config, "cameraBudgetMegabytes", 0, 0, 1 << 30) * 1024 * 1024),
                    (long)(Num(config, "totalBudgetMegabytes", 0, 0, 1 << 30) * 1024 * 1024)))
            {
                DownscaleKbps = (int)Num(config, "downscaleKbps", 4000, 500, 20000),
                DownscaleAnswerLimit = TimeSpan.FromSeconds(Num(config, "downscaleAnswerSeconds", 120, 1, 3600)),
                ClipBudgetBytes = (long)(Num(config, "clipBudgetMegabytes", 0, 0, 1 << 30) * 1024 * 1024),
            };
        }
        catch (FormatException e)
        {
            return new Failure("invalid-config", e.Message);
        }
    }

    private static string Str(JsonElement config, string key, string fallback) =>
        config.ValueKind == JsonValueKind.Object && config.TryGetProperty(key, out var v)
            ? v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new FormatException($"{key} must be a string")
            : fallback;

    private static double Num(JsonElement config, string key, double fallback, double min, double max)
    {
        if (config.ValueKind != JsonValueKind.Object || !config.TryGetProperty(key, out var v)) return fallback;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var n) || n < min || n > max)
            throw new FormatException($"{key} must be a number from {min} to {max}");
        return n;
    }

    private static IReadOnlyList<string> Strings(JsonElement config, string key, IReadOnlyList<string> fallback)
    {
        if (config.ValueKind != JsonValueKind.Object || !config.TryGetProperty(key, out var v)) return fallback;
        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            throw new FormatException($"{key} must be an array of strings");
        return v.EnumerateArray().Select(e => e.GetString()!).ToList();
    }
}
