namespace Appliance.Tools.Flash;

/// <summary>One line of <c>/proc/self/mounts</c>: what is mounted (a device path, or a name like <c>tmpfs</c>) and where.</summary>
public sealed record Mount(string Source, string MountPoint);

/// <summary>Reads the kernel's mount table (the <c>/proc/self/mounts</c> format: octal escapes for space, tab, newline, backslash).</summary>
public static class MountTable
{
    public const string ProcPath = "/proc/self/mounts";

    public static IReadOnlyList<Mount> Parse(string text)
    {
        var mounts = new List<Mount>();
        foreach (var line in text.Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2) continue;
            mounts.Add(new Mount(Unescape(fields[0]), Unescape(fields[1])));
        }
        return mounts;
    }

    /// <summary>The kernel's mount table, plus the active swap devices (<c>/proc/swaps</c>) as mounts on <c>[swap]</c>.</summary>
    public static IReadOnlyList<Mount> ReadSystem() =>
        [.. Parse(File.ReadAllText(ProcPath)), .. File.Exists("/proc/swaps") ? ParseSwaps(File.ReadAllText("/proc/swaps")) : []];

    /// <summary><c>/proc/swaps</c>: a header line, then one line per swap area (file name first).</summary>
    public static IReadOnlyList<Mount> ParseSwaps(string text) =>
        text.Split('\n').Skip(1).Select(l => l.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 0).Select(f => new Mount(Unescape(f[0]), "[swap]")).ToList();

    private static string Unescape(string field)
    {
        if (!field.Contains('\\')) return field;
        var sb = new System.Text.StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                sb.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else sb.Append(field[i]);
        }
        return sb.ToString();
    }

    private static bool IsOctal(string s, int at) =>
        at + 3 <= s.Length && s.Skip(at).Take(3).All(c => c is >= '0' and <= '7');
}
