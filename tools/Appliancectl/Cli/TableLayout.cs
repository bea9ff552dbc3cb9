using System.Text;

namespace Appliance.Tools.Appliancectl.Cli;

/// <summary>
/// Lays out a table in at most <see cref="MaxWidth"/> columns: left-aligned cells two spaces apart, no header line
/// when every header is empty (a key/value list). When the natural widths do not fit, the widest columns give way
/// and their cells wrap (at spaces where possible) onto continuation lines of the same row, so nothing is lost.
/// Control characters become spaces; a cell longer than <c>maxCell</c> is clipped with "...".
/// </summary>
public static class TableLayout
{
    /// <summary>Widest line of human output.</summary>
    public const int MaxWidth = 120;

    private const int Gap = 2;

    private const int NarrowestColumn = 8;

    /// <summary>Cells up to this long (a local time with its zone is 26) are the last to wrap.</summary>
    private const int ShortCell = 26;

    /// <summary>A word up to this long (host:port, a short URL) is kept whole while anything else can give way.</summary>
    private const int LongestWord = 40;

    public static IReadOnlyList<string> Lines(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, int maxCell = 200, IReadOnlyList<int>? fixedWidths = null)
    {
        var cells = rows.Select(r => headers.Select((_, i) => Clean(i < r.Count ? r[i] : "", maxCell)).ToArray()).ToList();
        var withHeader = headers.Any(h => h.Length > 0);
        var widths = fixedWidths?.ToArray() ?? Fit(
            headers.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToArray(),
            headers.Select(h => h.Length).ToArray(),
            headers.Select((_, i) => cells.Count == 0 ? 0 : cells.Max(r => r[i].Split(' ').Max(w => w.Length))).ToArray());
        var lines = new List<string>();
        if (withHeader) lines.AddRange(Row(headers.Select(h => Clean(h, maxCell)).ToArray(), widths));
        foreach (var row in cells) lines.AddRange(Row(row, widths));
        return lines;
    }

    /// <summary>
    /// Column widths that fit <see cref="MaxWidth"/>, one character at a time from the widest column that may still
    /// give way: first down to the column's longest word (an address, a URL, at most <see cref="LongestWord"/>) but
    /// not below <see cref="ShortCell"/> (times, states and ids stay on one line; descriptions and remediation wrap
    /// at spaces), then words may break, then any column down to <see cref="NarrowestColumn"/>; never below its header.
    /// </summary>
    public static int[] Fit(int[] natural, int[] headers, int[] longestWords)
    {
        var widths = natural.ToArray();
        var available = MaxWidth - Gap * Math.Max(0, widths.Length - 1);
        Func<int, int>[] floors =
        [
            i => Math.Max(ShortCell, Math.Min(longestWords[i], LongestWord)),
            _ => ShortCell,
            _ => NarrowestColumn,
        ];
        foreach (var floor in floors)
        {
            while (widths.Sum() > available)
            {
                var shrinkable = Enumerable.Range(0, widths.Length).Where(i => widths[i] > Math.Max(floor(i), headers[i])).ToList();
                if (shrinkable.Count == 0) break;
                widths[shrinkable.MaxBy(i => widths[i])]--;
            }
        }
        return widths;
    }

    /// <summary>One table row: as many lines as its tallest wrapped cell.</summary>
    private static IEnumerable<string> Row(string[] row, int[] widths)
    {
        var wrapped = row.Select((cell, i) => Wrap(cell, Math.Max(1, widths[i]))).ToArray();
        var height = wrapped.Max(w => w.Count);
        for (var line = 0; line < height; line++)
        {
            var text = new StringBuilder();
            for (var i = 0; i < widths.Length; i++)
            {
                var part = line < wrapped[i].Count ? wrapped[i][line] : "";
                text.Append(i == widths.Length - 1 ? part : part.PadRight(widths[i] + Gap));
            }
            yield return text.ToString().TrimEnd();
        }
    }

    /// <summary>Splits <paramref name="text"/> into lines of at most <paramref name="width"/>, at spaces where it can.</summary>
    public static IReadOnlyList<string> Wrap(string text, int width)
    {
        if (text.Length <= width) return [text];
        var lines = new List<string>();
        var rest = text;
        while (rest.Length > width)
        {
            var cut = rest.LastIndexOf(' ', width);
            if (cut <= 0) cut = width;
            lines.Add(rest[..cut].TrimEnd());
            rest = rest[cut..].TrimStart();
        }
        if (rest.Length > 0) lines.Add(rest);
        return lines;
    }

    private static string Clean(string text, int max)
    {
        var flat = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        return flat.Length > max ? flat[..(max - 3)] + "..." : flat;
    }
}
