using System.Text.Json;

namespace Appliance.Tools.Appliancectl.Cli;

/// <summary>
/// Where a command writes: tables for people (at most <see cref="TableLayout.MaxWidth"/> columns, times in the
/// local zone), the API's JSON with <c>--json</c>. Failures go to stderr: a line of text, or with <c>--json</c>
/// one <see cref="CliError"/> object.
/// </summary>
public sealed class Output(TextWriter stdout, TextWriter stderr, bool json)
{
    public bool Json { get; } = json;

    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    /// <summary>
    /// Writes a message, wrapped at spaces to <see cref="TableLayout.MaxWidth"/> columns; control characters from the
    /// appliance (e.g. terminal escapes in a name) become spaces.
    /// </summary>
    public void Line(string text = "")
    {
        foreach (var part in Safe(text).Split('\n'))
            foreach (var line in TableLayout.Wrap(part, TableLayout.MaxWidth)) Out.WriteLine(line);
    }

    /// <summary>A failure (or a warning that makes the command fail): text, or the JSON error object under --json.</summary>
    public void Fail(string text, string code = "failed", int? status = null) => Fail(new CliError(code, text, status));

    public void Fail(CliError error) =>
        Error.WriteLine(Json ? error.ToJson() : $"appliancectl: {Safe(error.Message)}");

    /// <summary>A remark that does not fail the command: text on stderr, nothing under --json (the JSON says it).</summary>
    public void Note(string text)
    {
        if (!Json) Error.WriteLine($"appliancectl: {Safe(text)}");
    }

    public static string Safe(string text) =>
        text.Any(c => char.IsControl(c) && c != '\n') ? new string(text.Select(c => char.IsControl(c) && c != '\n' ? ' ' : c).ToArray()) : text;

    /// <summary>The API's JSON, re-encoded with the relaxed encoder (<see cref="JsonText"/>).</summary>
    public void WriteJson(JsonElement element, bool indented = true) => Out.WriteLine(JsonText.Serialize(element, indented));

    /// <summary>A table (see <see cref="TableLayout"/>); "(none)" when there are no rows.</summary>
    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, int maxCell = 200, IReadOnlyList<int>? fixedWidths = null)
    {
        var list = rows.ToList();
        if (list.Count == 0)
        {
            Line("(none)");
            return;
        }
        foreach (var line in TableLayout.Lines(headers, list, maxCell, fixedWidths)) Out.Write(line + "\n");
    }
}
