using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Appliance.Host.Events;

/// <summary>
/// One readable line per event for the portal's event log, from the event's type and data. Pure and total: data of
/// another shape than the type promises (a missing or mistyped field) falls back to the first few plain fields, text
/// is stripped of control and direction characters and clipped, so the line is never longer than
/// <see cref="MaxLength"/> and never an exception.
/// </summary>
public static class EventSummary
{
    public const int MaxLength = 240;
    private const int MaxValue = 80;
    private const int FallbackFields = 4;

    public static string Of(string type, JsonElement data)
    {
        var line = data.ValueKind == JsonValueKind.Object ? Known(type, new Fields(data)) ?? Fallback(data) : Fallback(data);
        return Clip(line, MaxLength);
    }

    private static string? Known(string type, Fields f) => type switch
    {
        "CameraWentOnline" => f.Text("cameraId") is { } cam ? $"Camera {cam} went online" : null,
        "CameraWentOffline" => f.Text("cameraId") is { } cam ? $"Camera {cam} went offline: {f.Text("reason") ?? "no reason given"}" : null,
        "StreamGapOccurred" => Gap(f),
        "StreamHealthMeasured" => f.Text("cameraId") is { } cam && f.Object("health") is { } h && h.Text("state") is { } state
            ? $"Camera {cam}: {state}, {h.Number("fps", "0.#") ?? "?"} fps, {h.Number("bitrateKbps", "0") ?? "?"} kbit/s, {h.Number("lossPercent", "0.##") ?? "?"} % loss"
            : null,
        "DeviceDiscovered" => f.Object("device") is { } d && (d.Text("name") ?? d.Text("endpointReference")) is { } name
            ? $"Discovered {name}{Prefixed(" by ", d.Text("source"))}{Prefixed(" at ", d.FirstText("addresses"))}"
            : null,
        "DiscoveryRequested" => $"Discovery requested by {f.Text("requestedBy") ?? "someone"}",
        "MotionDetected" => Toggle(f, "Motion") is { } motion ? motion + Prefixed(" in ", f.JoinedTexts("regions")) : null,
        "TamperDetected" => Toggle(f, "Tamper"),
        "ReferenceImageTaken" => f.Text("cameraId") is { } cam && f.Text("snapshotId") is { } id
            ? $"Camera {cam}: {f.Text("label") ?? "reference"} reference image {id}{Prefixed(" (", f.Number("bytes", "0"), " bytes)")}"
            : null,
        "DigitalInputChanged" => f.Text("device") is { } device && f.Text("input") is { } input && f.Bool("active") is { } on
            ? $"Input {device}/{input} became {(on ? "active" : "inactive")}"
            : null,
        "CameraEventReceived" => f.Text("cameraId") is { } cam && f.Text("topic") is { } topic
            ? $"Camera {cam}: {topic}{Prefixed(" ", f.Object("data")?.Pairs())}"
            : null,
        "SystemHealthSampled" => f.Number("cpuPercent", "0.#") is { } cpu && f.Number("memoryUsedBytes", 1 / 1048576.0, "0") is { } used
            ? $"System: CPU {cpu} %, memory {used} of {f.Number("memoryTotalBytes", 1 / 1048576.0, "0") ?? "?"} MiB{Prefixed(", ", f.Number("temperatureCelsius", "0.#") is { } t ? t + " °C" : null)}"
            : null,
        "PluginStateChanged" => f.Text("pluginId") is { } plugin && f.Text("state") is { } state
            ? $"Plugin {plugin}{Prefixed(" ", f.Text("version"))}: {state}{Prefixed(": ", f.Text("error"))}"
            : null,
        "RuleActionRequested" => f.Text("kind") is { } kind && f.Text("target") is { } target
            ? $"Rule {f.Text("ruleName") ?? f.Text("ruleId") ?? "?"} asks for {kind} to {target}{Prefixed(" (camera ", f.Text("cameraId"), ")")}"
            : null,
        "RuleActionDelivered" => f.Text("kind") is { } kind && f.Text("target") is { } target
            ? $"{kind} to {target} delivered{Prefixed(" after ", f.Number("attempts", "0"), " attempt(s)")}{Prefixed(" (rule ", f.Text("ruleId"), ")")}"
            : null,
        "RuleActionExpired" => f.Text("kind") is { } kind && f.Text("target") is { } target
            ? $"{kind} to {target} given up{Prefixed(" after ", f.Number("attempts", "0"), " attempt(s)")}: {f.Text("lastError") ?? "no error recorded"}"
            : null,
        "TranscodeRequested" => f.Text("jobId") is { } job
            ? $"Transcode {job} requested: {f.Text("source") ?? "?"} to {f.Text("target") ?? "?"}"
            : null,
        "TranscodeInputEnded" => f.Text("jobId") is { } job ? $"Transcode {job}: input ended{Prefixed(" after ", f.Number("frames", "0"), " frames")}" : null,
        "TranscodeStateChanged" => f.Text("jobId") is { } job && f.Text("state") is { } state
            ? $"Transcode {job}: {state}{Prefixed(", ", f.Number("framesOut", "0"), " frames out")}{Prefixed(": ", f.Text("error"))}"
            : null,
        "ImageUpdateChanged" => f.Text("version") is { } version && f.Text("state") is { } state
            ? $"System image {version}: {state}{Prefixed(": ", f.Text("reason"))}"
            : null,
        _ => null,
    };

    private static string? Gap(Fields f)
    {
        if (f.Text("cameraId") is not { } cam) return null;
        var reason = f.Text("reason") ?? "no reason given";
        var reconnects = Prefixed(", ", f.Number("reconnects", "0"), " reconnect(s)");
        var from = f.Time("from");
        var until = f.Time("until");
        return from is { } a && until is { } b && b >= a
            ? $"Camera {cam}: {(b - a).TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s gap in the stream ({reason}{reconnects})"
            : $"Camera {cam}: stream interrupted ({reason}{reconnects})";
    }

    private static string? Toggle(Fields f, string what) =>
        f.Text("cameraId") is { } cam && f.Bool("active") is { } on
            ? $"{what} {(on ? "started" : "ended")} on camera {cam}{Prefixed(" (", f.Text("source"), ")")}"
            : null;

    /// <summary>An event without a summary of its own: its first few plain fields as name=value.</summary>
    private static string Fallback(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object) return Fields.Plain(data) ?? "no details";
        var pairs = new Fields(data).Pairs();
        return pairs ?? "no details";
    }

    private static string Prefixed(string before, string? value, string after = "") => value is null ? "" : before + value + after;

    internal static string Clip(string text, int max)
    {
        if (text.Length <= max) return text;
        var cut = max - 1;
        if (char.IsLowSurrogate(text[cut])) cut--;
        return text[..cut] + "…";
    }

    /// <summary>Reads the fields of one JSON object; every getter answers null for a missing or mistyped field.</summary>
    private readonly struct Fields(JsonElement obj)
    {
        public string? Text(string name) => Get(name) is { ValueKind: JsonValueKind.String } v ? Clean(v.GetString()) : null;

        public bool? Bool(string name) => Get(name) is { ValueKind: JsonValueKind.True or JsonValueKind.False } v ? v.GetBoolean() : null;

        public string? Number(string name, string format) => Number(name, 1, format);

        public string? Number(string name, double scale, string format) =>
            Get(name) is { ValueKind: JsonValueKind.Number } v && v.TryGetDouble(out var d) && double.IsFinite(d * scale)
                ? Clip((d * scale).ToString(format, CultureInfo.InvariantCulture), MaxValue)
                : null;

        public DateTimeOffset? Time(string name) =>
            Get(name) is { ValueKind: JsonValueKind.String } v && v.TryGetDateTimeOffset(out var t) ? t : null;

        public Fields? Object(string name) => Get(name) is { ValueKind: JsonValueKind.Object } v ? new Fields(v) : null;

        public string? FirstText(string name) =>
            Get(name) is { ValueKind: JsonValueKind.Array } v && v.GetArrayLength() > 0 && v[0].ValueKind == JsonValueKind.String ? Clean(v[0].GetString()) : null;

        public string? JoinedTexts(string name)
        {
            if (Get(name) is not { ValueKind: JsonValueKind.Array } v) return null;
            var texts = v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Take(FallbackFields).Select(e => Clean(e.GetString())).OfType<string>().ToList();
            return texts.Count == 0 ? null : string.Join(", ", texts);
        }

        /// <summary>The first few fields with a plain value, as <c>name=value</c>.</summary>
        public string? Pairs()
        {
            var pairs = obj.EnumerateObject()
                .Select(p => (Name: Clean(p.Name), Value: Plain(p.Value)))
                .Where(p => p.Name is not null && p.Value is not null)
                .Take(FallbackFields)
                .Select(p => $"{p.Name}={p.Value}")
                .ToList();
            return pairs.Count == 0 ? null : string.Join(", ", pairs);
        }

        public static string? Plain(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => Clean(value.GetString()),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => Clip(value.GetRawText(), MaxValue),
            _ => null,
        };

        private JsonElement? Get(string name) => obj.TryGetProperty(name, out var v) ? v : null;

        /// <summary>Printable text only (control, format and direction characters become spaces), trimmed and clipped.</summary>
        private static string? Clean(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            var sb = new StringBuilder(Math.Min(text.Length, MaxValue * 2));
            foreach (var c in text.Length > MaxValue * 4 ? text[..(MaxValue * 4)] : text)
            {
                var category = char.GetUnicodeCategory(c);
                var hidden = char.IsControl(c) || category is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
                sb.Append(hidden ? ' ' : c);
            }
            var cleaned = string.Join(' ', sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
            return cleaned.Length == 0 ? null : Clip(cleaned, MaxValue);
        }
    }
}
