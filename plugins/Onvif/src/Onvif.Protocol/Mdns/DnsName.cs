using System.Text;

namespace Appliance.Plugins.Onvif.Protocol.Mdns;

/// <summary>
/// Domain names as presentation text: labels joined with '.', a '.' or '\' inside a label escaped with '\'
/// (DNS-SD instance names may contain dots, RFC 6763 section 4.3). Comparison is ASCII case-insensitive.
/// </summary>
public static class DnsName
{
    public const int MaxLength = 255;
    public const int MaxLabelLength = 63;

    public static string Join(IEnumerable<string> labels) =>
        string.Join('.', labels.Select(l => l.Replace("\\", "\\\\").Replace(".", "\\.")));

    public static List<string> Split(string name)
    {
        var labels = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '\\' && i + 1 < name.Length) { current.Append(name[++i]); continue; }
            if (c == '.') { if (current.Length > 0) labels.Add(current.ToString()); current.Clear(); continue; }
            current.Append(c);
        }
        if (current.Length > 0) labels.Add(current.ToString());
        return labels;
    }

    /// <summary>The first label, unescaped: a DNS-SD instance's user-visible name.</summary>
    public static string FirstLabel(string name) => Split(name).FirstOrDefault() ?? "";

    public static bool Equal(string a, string b) => string.Equals(Normalize(a), Normalize(b), StringComparison.OrdinalIgnoreCase);

    /// <summary>Lower-case, without a trailing dot: a dictionary key.</summary>
    public static string Normalize(string name) => name.TrimEnd('.').ToLowerInvariant();

    public static bool EndsWith(string name, string suffix)
    {
        var n = Normalize(name);
        var s = Normalize(suffix);
        return n.Length > s.Length && n.EndsWith("." + s, StringComparison.Ordinal);
    }
}
