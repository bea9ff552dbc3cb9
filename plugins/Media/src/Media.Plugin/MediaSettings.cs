using System.Text.Json;
using Appliance.Abstractions;
using Appliance.Plugins.Media.Protocol.Codecs;
using Appliance.Plugins.Media.Protocol.Motion;
using Appliance.Plugins.Media.Protocol.Snapshots;
using Appliance.Plugins.Media.Plugin.Gpio;

namespace Appliance.Plugins.Media.Plugin;

/// <summary>The derived SD stream's shape.</summary>
public sealed record SdSettings(int Width, int Height, int BitrateKbps, int GopFrames);

/// <summary>Motion analysis settings: analysis rate and size, and each camera's regions (cameras not listed use the defaults).</summary>
public sealed record MotionPluginSettings(bool Enabled, int AnalysisFps, int Width, int Height, MotionSettings Defaults,
    IReadOnlyDictionary<string, MotionSettings> Cameras)
{
    public MotionSettings For(string cameraId) => Cameras.TryGetValue(cameraId, out var s) ? s : Defaults;
}

/// <summary>The plugin's validated configuration (see plugin.json for each key's meaning).</summary>
public sealed record MediaSettings(
    CodecPolicy Policy,
    int DecoderThreads,
    long MaxPixels,
    int JpegQuality,
    SnapshotBudgets SnapshotBudgets,
    IReadOnlyList<string> SnapshotOnEvents,
    ReferenceSchedule Reference,
    SdSettings Sd,
    MotionPluginSettings Motion,
    GpioSettings Gpio,
    bool FaultInjection)
{
    /// <summary>Reads the configuration section (defaults already filled by the host); fails with <c>invalid-config</c>
    /// and the path of the first bad value.</summary>
    public static Result<MediaSettings> From(JsonElement config)
    {
        try
        {
            var policy = Str(config, "codecs", "policy", "auto") switch
            {
                "auto" => CodecPolicy.Auto,
                "software" => CodecPolicy.SoftwareOnly,
                var other => throw new FormatException($"codecs.policy: '{other}' is neither auto nor software"),
            };
            var reference = ReferenceSchedule.Parse(Strings(config, "reference", "times", ["12:00", "00:00"]));
            if (!reference.IsOk) throw new FormatException($"reference.times: {reference.Failure!.Message}");
            var budgets = SnapshotBudgets.FromMegabytes(Long(config, "snapshot", "budgetMegabytes", 256), Long(config, "reference", "budgetMegabytes", 32));
            if (!budgets.IsOk) throw new FormatException(budgets.Failure!.Message);
            var motionDefaults = new MotionSettings(Int(config, "motion", "sensitivity", 50));
            var cameras = new Dictionary<string, MotionSettings>(StringComparer.Ordinal);
            if (Child(config, "motion", "cameras") is { ValueKind: JsonValueKind.Object } perCamera)
                foreach (var camera in perCamera.EnumerateObject())
                    cameras[camera.Name] = ReadMotion(camera.Value, $"motion.cameras.{camera.Name}", motionDefaults.Sensitivity);
            var gpio = GpioSettings.From(Child(config, "gpio", null));
            if (!gpio.IsOk) throw new FormatException(gpio.Failure!.Message);
            return new MediaSettings(
                policy,
                Int(config, "decoder", "threads", 1),
                Int(config, "decoder", "maxPixels", 3840 * 2160),
                Int(config, "snapshot", "quality", 4),
                budgets.Value,
                Strings(config, "snapshot", "onEvents", ["CameraEventReceived", "DigitalInputChanged", "TamperDetected"]),
                reference.Value,
                new SdSettings(Int(config, "sd", "width", 640), Int(config, "sd", "height", 360), Int(config, "sd", "bitrateKbps", 500), Int(config, "sd", "gopFrames", 50)),
                new MotionPluginSettings(Bool(config, "motion", "enabled", true), Int(config, "motion", "fps", 5),
                    Int(config, "motion", "width", 160), Int(config, "motion", "height", 90), motionDefaults, cameras),
                gpio.Value,
                Bool(config, "faultInjection", "enabled", false));
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or KeyNotFoundException)
        {
            return Result<MediaSettings>.Fail("invalid-config", e.Message);
        }
    }

    private static MotionSettings ReadMotion(JsonElement e, string path, int defaultSensitivity)
    {
        var sensitivity = e.TryGetProperty("sensitivity", out var s) ? s.GetInt32() : defaultSensitivity;
        if (sensitivity is < 1 or > 100) throw new FormatException($"{path}.sensitivity: {sensitivity} is outside 1..100");
        var regions = e.TryGetProperty("regions", out var r)
            ? r.EnumerateArray().Select((x, i) => new MotionRegion(
                x.TryGetProperty("name", out var n) && n.GetString() is { Length: > 0 } name ? name : throw new FormatException($"{path}.regions[{i}].name is missing"),
                Rect(x, $"{path}.regions[{i}]"))).ToList()
            : [];
        var masks = e.TryGetProperty("masks", out var m) ? m.EnumerateArray().Select((x, i) => Rect(x, $"{path}.masks[{i}]")).ToList() : [];
        return new MotionSettings(sensitivity, regions, masks);
    }

    private static NormalizedRect Rect(JsonElement e, string path)
    {
        double Get(string name) => e.TryGetProperty(name, out var v) && v.TryGetDouble(out var d) && d is >= 0 and <= 1
            ? d : throw new FormatException($"{path}.{name} must be a number in 0..1");
        return new NormalizedRect(Get("x"), Get("y"), Get("width"), Get("height"));
    }

    internal static JsonElement? Child(JsonElement config, string section, string? key)
    {
        if (config.ValueKind != JsonValueKind.Object || !config.TryGetProperty(section, out var s)) return null;
        if (key is null) return s;
        return s.ValueKind == JsonValueKind.Object && s.TryGetProperty(key, out var v) ? v : null;
    }

    private static string Str(JsonElement c, string s, string k, string d) => Child(c, s, k)?.GetString() ?? d;

    private static int Int(JsonElement c, string s, string k, int d) => Child(c, s, k) is { } v ? v.GetInt32() : d;

    private static long Long(JsonElement c, string s, string k, long d) => Child(c, s, k) is { } v ? v.GetInt64() : d;

    private static bool Bool(JsonElement c, string s, string k, bool d) => Child(c, s, k) switch
    {
        null => d,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { } v => throw new FormatException($"{s}.{k}: {v.GetRawText()} is not true or false"),
    };

    private static IReadOnlyList<string> Strings(JsonElement c, string s, string k, string[] d) =>
        Child(c, s, k) is { ValueKind: JsonValueKind.Array } v ? v.EnumerateArray().Select(x => x.GetString() ?? "").ToArray() : d;
}
