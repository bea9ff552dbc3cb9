namespace Appliance.Image.Tests;

/// <summary>An installed package of a root file system, from its <c>var/lib/dpkg/status</c>.</summary>
internal sealed record InstalledPackage(string Name, string Architecture);

/// <summary>Reads dpkg's status file: stanzas separated by blank lines; only "install ok installed" counts.</summary>
internal static class DpkgStatus
{
    public static IReadOnlyList<InstalledPackage> Installed(string text)
    {
        var installed = new List<InstalledPackage>();
        foreach (var stanza in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = stanza.Split('\n')
                .Where(l => l.Length > 0 && !char.IsWhiteSpace(l[0]) && l.Contains(':', StringComparison.Ordinal))
                .Select(l => l.Split(':', 2))
                .GroupBy(kv => kv[0])
                .ToDictionary(g => g.Key, g => g.First()[1].Trim());
            if (fields.TryGetValue("Package", out var name) && fields.GetValueOrDefault("Status") == "install ok installed")
                installed.Add(new InstalledPackage(name, fields.GetValueOrDefault("Architecture", "")));
        }
        return installed;
    }
}
