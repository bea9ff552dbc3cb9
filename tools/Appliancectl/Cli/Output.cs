using System.Text;
using System.Text.Json;

namespace Appliance.Tools.Appliancectl.Cli;

/// <summary>Where a command writes: plain tables for people, the API's JSON with <c>--json</c>.</summary>
public sealed class Output(TextWriter stdout, TextWriter stderr, bool json)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public bool Json { get; } = json;

    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    /// <summary>Writes a line; control characters from the appliance (e.g. terminal escapes in a name) become spaces.</summary>
    public void Line(string text = "") => Out.WriteLine(Safe(text));

    public void Fail(string text) => Error.WriteLine($"appliancectl: {Safe(text)}");

    public static string Safe(string text) =>
        text.Any(c => char.IsControl(c) && c != '\n') ? new string(text.Select(c => char.IsControl(c) && c != '\n' ? ' ' : c).ToArray()) : text;

    public void WriteJson(JsonElement element, bool indented = true) =>
        Out.WriteLine(indented ? JsonSerializer.Serialize(element, Indented) : element.GetRawText());

    /// <summary>
    /// A left-aligned table (no header line when every header is empty: a key/value list); cells are clipped
    /// to <paramref name="maxCell"/> characters, control characters flattened to spaces.
    /// </summary>
    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, int maxCell = 60)
    {
        var cells = rows.Select(r => r.Select(c => Clean(c, maxCell)).ToArray()).ToList();
        if (cells.Count == 0)
        {
            Line("(none)");
            return;
        }
        var widths = headers.Select((h, i) => Math.Max(h.Length, cells.Max(r => i < r.Length ? r[i].Length : 0))).ToArray();
        var builder = new StringBuilder();
        if (headers.Any(h => h.Length > 0)) Append(builder, headers.ToArray(), widths);
        foreach (var row in cells) Append(builder, row, widths);
        Out.Write(builder.ToString());
    }

    private static void Append(StringBuilder builder, string[] row, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < widths.Length; i++)
        {
            var cell = i < row.Length ? row[i] : "";
            line.Append(i == widths.Length - 1 ? cell : cell.PadRight(widths[i] + 2));
        }
        builder.Append(line.ToString().TrimEnd()).Append('\n');
    }

    private static string Clean(string? text, int max)
    {
        var flat = new string((text ?? "").Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        return flat.Length > max ? flat[..(max - 3)] + "..." : flat;
    }
}
