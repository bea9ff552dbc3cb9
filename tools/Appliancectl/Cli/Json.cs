using System.Globalization;
using System.Text.Json;

namespace Appliance.Tools.Appliancectl.Cli;

/// <summary>Tolerant reading of the API's JSON for display: a missing field is shown as empty, never a crash.</summary>
public static class Json
{
    public static string Text(this JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) ? Show(value) : "";

    public static JsonElement? Child(this JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public static double? Number(this JsonElement element, string property) =>
        element.Child(property) is { ValueKind: JsonValueKind.Number } n && n.TryGetDouble(out var d) ? d : null;

    public static IEnumerable<JsonElement> Items(this JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray() : [];

    public static IEnumerable<JsonElement> Items(this JsonElement element, string property) =>
        element.Child(property) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    public static string Show(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        _ => value.GetRawText(),
    };

    public static string Bytes(double? bytes)
    {
        if (bytes is not { } b) return "";
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var unit = 0;
        while (b >= 1024 && unit < units.Length - 1)
        {
            b /= 1024;
            unit++;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{b:0.#} {units[unit]}");
    }

    public static string Duration(double? seconds)
    {
        if (seconds is not { } s) return "";
        var span = TimeSpan.FromSeconds(s);
        return span.TotalDays >= 1 ? $"{(int)span.TotalDays}d {span.Hours}h {span.Minutes}m"
            : span.TotalHours >= 1 ? $"{span.Hours}h {span.Minutes}m"
            : $"{span.Minutes}m {span.Seconds}s";
    }

    /// <summary>
    /// A timestamp of the API (ISO 8601, any offset) in this machine's time zone with the offset shown,
    /// <c>2026-12-04 10:30:00 +01:00</c>; text that is not a timestamp is shown as it is.
    /// </summary>
    public static string Time(this JsonElement element, string property) => LocalTime(element.Text(property));

    public static string LocalTime(string text, TimeZoneInfo? zone = null) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? TimeZoneInfo.ConvertTime(at, zone ?? TimeZoneInfo.Local).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)
            : text;

    public static string Fixed(double? value, string format = "0.0") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "";
}
