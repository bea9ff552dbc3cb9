using System.Text;
using System.Text.Json;

namespace Appliance.Plugins.Recording.Protocol.Timeline;

/// <summary>
/// The text shown beside a timeline marker: an event's top-level scalar fields as <c>name: value</c> (a POS
/// transaction's register, cashier, total and voids; a panel's account, zone and event), so what happened reads next
/// to the video without opening the event. <c>cameraId</c> (the timeline's own camera) and nested values are left
/// out; each value is cut at <see cref="MaxValue"/> characters, the whole at <see cref="MaxText"/>, line breaks and
/// control characters become spaces.
/// </summary>
public static class EventDetail
{
    public const int MaxValue = 80;
    public const int MaxText = 400;

    public static string Describe(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object) return "";
        var text = new StringBuilder();
        foreach (var field in data.EnumerateObject())
        {
            if (field.Name == "cameraId") continue;
            var value = field.Value.ValueKind switch
            {
                JsonValueKind.String => field.Value.GetString()!,
                JsonValueKind.Number => field.Value.GetRawText(),
                JsonValueKind.True => "yes",
                JsonValueKind.False => "no",
                _ => null,
            };
            if (string.IsNullOrWhiteSpace(value)) continue;
            var part = $"{Clean(field.Name, 40)}: {Clean(value, MaxValue)}";
            if (text.Length + part.Length + 2 > MaxText)
            {
                text.Append(text.Length > 0 ? ", …" : "…");
                break;
            }
            if (text.Length > 0) text.Append(", ");
            text.Append(part);
        }
        return text.ToString();
    }

    private static string Clean(string value, int max)
    {
        var clean = new string(value.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        return clean.Length <= max ? clean : string.Concat(clean.AsSpan(0, max - 1), "…");
    }
}
